package io.karafha.routes.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.routes.RouteHeaders;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.HandlerCollection;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * A real Jetty laid out as Pax Web 8 does it (the web contexts, then the ranked handlers): while the
 * context of a served route restarts, the balancer's requests get "not served here", not Jetty's 404.
 */
public class NotServedFallbackTest {

    private Server server;
    private ServletContextHandler context;
    private int port;

    @Before
    public void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getPathInfo() != null && req.getPathInfo().contains("missing")) {
                    resp.sendError(404, "no such greeting"); // the application's own 404
                    return;
                }
                resp.getWriter().print("hello");
            }
        }), "/hello/*");
        ContextHandlerCollection contexts = new ContextHandlerCollection(context);
        server.setHandler(new HandlerCollection(contexts, new NotServedFallback()));
        server.start();
        port = connector.getLocalPort();
    }

    @After
    public void stop() throws Exception {
        server.stop();
    }

    private HttpURLConnection get(String path, boolean fromBalancer) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        if (fromBalancer) {
            c.setRequestProperty(RouteHeaders.ROUTE, "/hello");
        }
        c.getResponseCode();
        InputStream body = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream();
        body.readAllBytes();
        return c;
    }

    @Test
    public void aServedRouteAnswersNormally() throws Exception {
        HttpURLConnection c = get("/hello", true);
        assertEquals(200, c.getResponseCode());
        assertNull(c.getHeaderField(RouteHeaders.NOT_SERVED));
    }

    @Test
    public void theApplicationsOwn404PassesUntouched() throws Exception {
        HttpURLConnection c = get("/hello/missing", true);
        assertEquals(404, c.getResponseCode());
        assertNull(c.getHeaderField(RouteHeaders.NOT_SERVED));
    }

    @Test
    public void whileTheContextIsStoppedTheBalancersRequestIsNotServedHere() throws Exception {
        context.stop(); // what Pax Web does for a moment when it changes the context's default model
        HttpURLConnection c = get("/hello", true);
        assertEquals(503, c.getResponseCode());
        assertEquals("/hello", c.getHeaderField(RouteHeaders.NOT_SERVED));
        assertEquals("1", c.getHeaderField("Retry-After"));
    }

    @Test
    public void aDirectClientStillGetsJettysAnswer() throws Exception {
        context.stop();
        assertEquals(404, get("/hello", false).getResponseCode());
    }
}
