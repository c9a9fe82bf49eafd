package io.karafha.sessions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Two embedded Jetty 9.4 servers ("karaf1", "karaf2") on one Hazelcast member, wired as the bundle
 * wires Pax Web's server (factories as Server beans, worker name set on the running id manager): a
 * session written by one is read by the other, and by the first again without a stale copy.
 */
public class TwoNodesSessionTest {

    private static HazelcastInstance hazelcast;
    private static Server karaf1;
    private static Server karaf2;
    private static final List<String> problems = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** The demo's counter. */
    public static final class CountServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(true);
            Integer n = (Integer) s.getAttribute("count");
            s.setAttribute("count", n == null ? 1 : n + 1);
            if (req.getParameter("probe") != null) {
                s.setAttribute("probe", new Object());
            }
            resp.getWriter().print(n == null ? 1 : n + 1);
        }
    }

    @BeforeClass
    public static void start() throws Exception {
        Config config = new Config("sessions-test");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().setPort(15701).setPortAutoIncrement(true);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        hazelcast = Hazelcast.newHazelcastInstance(config);
        karaf1 = node("karaf1");
        karaf2 = node("karaf2");
    }

    private static Server node(String name) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        IMap<String, byte[]> map = hazelcast.getMap("io.karafha.sessions");
        ReplicationScope scope = ReplicationScope.parse("");
        server.addBean(new ClusterSessionCacheFactory(scope));
        server.addBean(new ClusterSessionDataStoreFactory(map, scope, new SessionCodec.AttributeProblems() {
            @Override
            public void notWritten(String contextPath, String sessionId, String attribute, Object value, Exception cause) {
                problems.add(name + " " + contextPath + " " + attribute);
            }

            @Override
            public void notRead(String contextPath, String sessionId, String attribute, Exception cause) {
                problems.add(name + " read " + attribute);
            }
        }));
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/app");
        context.addServlet(new ServletHolder(new CountServlet()), "/count");
        server.setHandler(context);
        server.start();
        // as in Pax Web: the id manager runs before the bundle names it
        assertEquals(name, WorkerName.apply(server, name));
        context.stop();
        context.start();
        return server;
    }

    @AfterClass
    public static void stop() throws Exception {
        for (Server s : new Server[] {karaf1, karaf2}) {
            if (s != null) {
                s.stop();
            }
        }
        if (hazelcast != null) {
            hazelcast.shutdown();
        }
    }

    private String cookie;

    private String get(Server node, String query) throws Exception {
        int port = ((ServerConnector) node.getConnectors()[0]).getLocalPort();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app/count" + query));
        if (cookie != null) {
            b.header("Cookie", "JSESSIONID=" + cookie);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .forEach(c -> cookie = c.substring("JSESSIONID=".length()).split(";", 2)[0]);
        return r.body();
    }

    @Test
    public void aSessionMovesBetweenNodesAndBack() throws Exception {
        assertEquals("1", get(karaf1, ""));
        assertTrue("the id names its node: " + cookie, cookie.endsWith(".karaf1"));
        assertEquals("2", get(karaf1, ""));
        assertEquals("3", get(karaf2, ""));
        assertEquals("4", get(karaf2, ""));
        assertEquals("karaf1 reads the latest copy, not its own older one", "5", get(karaf1, ""));
    }

    @Test
    public void aNonSerializableAttributeIsReportedAndTheRestKept() throws Exception {
        cookie = null;
        assertEquals("1", get(karaf1, "?probe"));
        assertEquals("2", get(karaf2, ""));
        assertTrue(problems.toString(), problems.contains("karaf1 /app probe"));
    }

    @Test
    public void anUnknownSessionIdGivesANewSession() throws Exception {
        cookie = "forged0000.karaf2";
        assertEquals("1", get(karaf2, ""));
        assertTrue(cookie, !cookie.startsWith("forged"));
    }
}
