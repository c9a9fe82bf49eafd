package io.karafha.routes.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** A backend's Jetty with the customizer, over real HTTP on loopback; the client is 127.0.0.1. */
public class TrustedForwardedCustomizerTest {

    private volatile List<String> trusted = List.of("127.0.0.1");
    private Server server;
    private HttpClient http;
    private int port;

    static final class Echo extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getParameter("redirect") != null) {
                resp.sendRedirect("/landing");
                return;
            }
            resp.setContentType("text/plain");
            resp.getWriter().print("remote=" + req.getRemoteAddr() + " scheme=" + req.getScheme() + " server="
                    + req.getServerName() + ":" + req.getServerPort() + " xff=" + req.getHeader("X-Forwarded-For"));
        }
    }

    @Before
    public void start() throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new TrustedForwardedCustomizer(new TrustedProxies(null, () -> trusted, System::currentTimeMillis)));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new Echo()), "/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
        http = new HttpClient();
        http.setFollowRedirects(false);
        http.start();
    }

    @After
    public void stop() throws Exception {
        http.stop();
        server.stop();
    }

    private ContentResponse get(String path, String... headers) throws Exception {
        Request r = http.newRequest("http://127.0.0.1:" + port + path).timeout(10, TimeUnit.SECONDS);
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return r.send();
    }

    private static final String[] BALANCER = {"Host", "shop.example.com", "X-Forwarded-For", "203.0.113.7",
        "X-Forwarded-Proto", "https", "X-Forwarded-Host", "shop.example.com", "X-Forwarded-Port", "443"};

    @Test
    public void fromATrustedProxyTheApplicationSeesTheClientAndTheAddressItUsed() throws Exception {
        assertEquals("remote=203.0.113.7 scheme=https server=shop.example.com:443 xff=203.0.113.7", get("/x", BALANCER).getContentAsString());
        ContentResponse redirect = get("/x?redirect=1", BALANCER);
        assertEquals(302, redirect.getStatus());
        assertEquals("https://shop.example.com/landing", redirect.getHeaders().get("Location"));
    }

    @Test
    public void fromAnyOtherAddressForwardedHeadersAreIgnored() throws Exception {
        trusted = List.of("10.9.9.9");
        String seen = get("/x", BALANCER).getContentAsString();
        assertEquals("remote=127.0.0.1 scheme=http server=shop.example.com:80 xff=null", seen);
        seen = get("/x", "Forwarded", "for=203.0.113.7;proto=https;host=evil.example").getContentAsString();
        assertTrue(seen, seen.startsWith("remote=127.0.0.1 scheme=http server=127.0.0.1:" + port));
    }

    @Test
    public void malformedForwardedHeadersAreIgnoredNeverAnError() throws Exception {
        ContentResponse r = get("/x", "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Port", "not-a-port",
                "X-Forwarded-Proto", "https");
        assertEquals(200, r.getStatus());
        String seen = r.getContentAsString();
        assertTrue(seen, seen.startsWith("remote=203.0.113.7 scheme=https"));
        r = get("/x", "Forwarded", "for=\"[::1;;;proto==", "X-Forwarded-Host", "[bad:host");
        assertEquals(200, r.getStatus());
        assertFalse(r.getContentAsString().isEmpty());
    }

    @Test
    public void nodeIdHostIsTheBalancersAddress() {
        assertEquals("127.0.0.1", TrustedProxies.host("127.0.0.1:5701"));
        assertEquals("0:0:0:0:0:0:0:1", TrustedProxies.host("[::1]:5701"));
        assertNull(TrustedProxies.host("nocolon"));
    }
}
