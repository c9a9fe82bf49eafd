package io.karafha.sessions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.eclipse.jetty.server.Server;
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

    private static SessionNodes nodes;
    private static Server karaf1;
    private static Server karaf2;
    private final SessionNodes.Browser browser = new SessionNodes.Browser();

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
        nodes = new SessionNodes("sessions-test", 15701);
        karaf1 = node("karaf1");
        karaf2 = node("karaf2");
    }

    private static Server node(String name) throws Exception {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/app");
        context.addServlet(new ServletHolder(new CountServlet()), "/count");
        return nodes.start(name, "io.karafha.sessions", context);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private String get(Server node, String query) throws Exception {
        HttpResponse<String> r = browser.send(node, "/app/count" + query, null);
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    public void aSessionMovesBetweenNodesAndBack() throws Exception {
        assertEquals("1", get(karaf1, ""));
        assertTrue("the id names its node: " + browser.cookie, browser.cookie.endsWith(".karaf1"));
        assertEquals("2", get(karaf1, ""));
        assertEquals("3", get(karaf2, ""));
        assertEquals("4", get(karaf2, ""));
        assertEquals("karaf1 reads the latest copy, not its own older one", "5", get(karaf1, ""));
    }

    @Test
    public void aNonSerializableAttributeIsReportedAndTheRestKept() throws Exception {
        assertEquals("1", get(karaf1, "?probe"));
        assertEquals("2", get(karaf2, ""));
        assertTrue(nodes.problems.toString(), nodes.problems.contains("karaf1 /app probe"));
    }

    @Test
    public void anUnknownSessionIdGivesANewSession() throws Exception {
        browser.cookie = "forged0000.karaf2";
        assertEquals("1", get(karaf2, ""));
        assertTrue(browser.cookie, !browser.cookie.startsWith("forged"));
    }
}
