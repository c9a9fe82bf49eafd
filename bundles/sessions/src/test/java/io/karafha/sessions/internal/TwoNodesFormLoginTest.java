package io.karafha.sessions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.security.ConstraintMapping;
import org.eclipse.jetty.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.security.Constraint;
import org.eclipse.jetty.util.security.Credential;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A container-managed FORM login moves with its session: two embedded Jetty 9.4 servers on one
 * Hazelcast member, each with its own realm "karaf" holding the same user (as two Karaf nodes with
 * the same etc/users.properties). Jetty keeps the login in the session as a {@code SessionAuthentication}
 * (user name and password); read on the other server, it logs the user in again there.
 */
public class TwoNodesFormLoginTest {

    private static SessionNodes nodes;
    private static Server karaf1;
    private static Server karaf2;
    /** Knows alice with another password (changed there, or a different realm). */
    private static Server karaf3;
    private final SessionNodes.Browser browser = new SessionNodes.Browser();

    /** The login form, its error page and a protected page naming the user. */
    public static final class Pages extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String page = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
            resp.getWriter().print(page.equals("/login") ? "login page" : page.equals("/error") ? "login failed" : "user " + req.getRemoteUser());
        }
    }

    @BeforeClass
    public static void start() throws Exception {
        nodes = new SessionNodes("form-login-test", 15751);
        karaf1 = node("karaf1", "secret");
        karaf2 = node("karaf2", "secret");
        karaf3 = node("karaf3", "changed");
    }

    private static Server node(String name, String alicePassword) throws Exception {
        // the realm as a server bean found by its name, as etc/jetty.xml adds Karaf's JAAS realm
        UserStore users = new UserStore();
        users.addUser("alice", Credential.getCredential(alicePassword), new String[] {"demo"});
        HashLoginService realm = new HashLoginService("karaf");
        realm.setUserStore(users);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        context.setContextPath("/app");
        context.addServlet(new ServletHolder(new Pages()), "/*");
        ConstraintSecurityHandler security = (ConstraintSecurityHandler) context.getSecurityHandler();
        security.setRealmName("karaf");
        security.setAuthenticator(new FormAuthenticator("/login", "/error", true));
        Constraint constraint = new Constraint(Constraint.__FORM_AUTH, "demo");
        constraint.setAuthenticate(true);
        ConstraintMapping mapping = new ConstraintMapping();
        mapping.setPathSpec("/*");
        mapping.setConstraint(constraint);
        security.addConstraintMapping(mapping);
        return nodes.start(name, "io.karafha.sessions.login", context, realm);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private HttpResponse<String> send(Server node, String path, String form) throws Exception {
        return browser.send(node, "/app" + path, form);
    }

    private String page(Server node, String path) throws Exception {
        HttpResponse<String> r = send(node, path, null);
        return r.statusCode() + " " + r.body();
    }

    @Test
    public void aFormLoginOnOneNodeIsStillLoggedInOnTheOther() throws Exception {
        assertEquals("200 login page", page(karaf1, "/whoami"));
        String before = browser.cookie;
        HttpResponse<String> posted = send(karaf1, "/j_security_check", "j_username=alice&j_password=secret");
        assertTrue("a redirect to the protected page: " + posted.statusCode(), posted.statusCode() == 302 || posted.statusCode() == 303);
        assertTrue("a new session id at login: " + before + " -> " + browser.cookie,
                !browser.cookie.equals(before) && browser.cookie.endsWith(".karaf1"));
        assertEquals("200 user alice", page(karaf1, "/whoami"));
        assertEquals("the other node logs alice in again from the session", "200 user alice", page(karaf2, "/whoami"));
        assertEquals("and back", "200 user alice", page(karaf1, "/whoami"));
        assertTrue(nodes.problems.toString(), nodes.problems.isEmpty());
    }

    @Test
    public void aNodeWhereTheLoginNoLongerHoldsShowsTheLoginPage() throws Exception {
        assertEquals("200 login page", page(karaf1, "/whoami"));
        send(karaf1, "/j_security_check", "j_username=alice&j_password=secret");
        assertEquals("200 user alice", page(karaf1, "/whoami"));
        assertEquals("never a 500", "200 login page", page(karaf3, "/whoami"));
    }

    @Test
    public void aWrongPasswordShowsTheErrorPage() throws Exception {
        assertEquals("200 login page", page(karaf2, "/whoami"));
        HttpResponse<String> failed = send(karaf2, "/j_security_check", "j_username=alice&j_password=wrong");
        assertEquals("200 login failed", failed.statusCode() + " " + failed.body());
        assertEquals("200 login page", page(karaf1, "/whoami"));
    }
}
