package io.karafha.demo;

import java.io.IOException;
import java.io.PrintWriter;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * GET /session counts the requests of one HTTP session and answers {@code node: <name>} and
 * {@code count: <n>}: whether a session survives the loss of its node is visible from outside.
 * <p>
 * {@code ?probe=not-serializable} also stores an attribute {@code probe} that cannot be serialized,
 * to show (and test) that such an attribute is reported in the log and the request still succeeds;
 * {@code ?max-inactive=<seconds>} sets the session's max inactive interval, to show expiry.
 */
@Component(
        name = "io.karafha.demo.session",
        configurationPolicy = ConfigurationPolicy.IGNORE,
        service = Servlet.class,
        property = {
                "osgi.http.whiteboard.servlet.pattern=/session",
                "osgi.http.whiteboard.servlet.name=io.karafha.demo.session"
        })
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String COUNT = "io.karafha.demo.count";
    /** {@code ?max-inactive=<seconds>}: the session expires after that many idle seconds (to see expiry). */
    static final String MAX_INACTIVE = "max-inactive";

    /** Not Serializable on purpose. */
    static final class NotSerializable {
        @Override
        public String toString() {
            return "a value that cannot be serialized";
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String maxInactive = req.getParameter(MAX_INACTIVE);
        int seconds = 0;
        if (maxInactive != null) {
            seconds = parseSeconds(maxInactive);
            if (seconds < 0) {
                resp.sendError(HttpServletResponse.SC_BAD_REQUEST, MAX_INACTIVE + " must be whole seconds from 1 to 86400, not '" + maxInactive + "'");
                return;
            }
        }
        HttpSession session = req.getSession(true);
        if (seconds > 0) {
            session.setMaxInactiveInterval(seconds);
        }
        Integer count = (Integer) session.getAttribute(COUNT);
        int next = count == null ? 1 : count + 1;
        // an Integer is immutable: the new value is set again, which is what marks the session changed
        session.setAttribute(COUNT, next);
        if ("not-serializable".equals(req.getParameter("probe"))) {
            session.setAttribute("probe", new NotSerializable());
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Karaf-HA-Node", HelloServlet.nodeName());
        PrintWriter out = resp.getWriter();
        out.println("node: " + HelloServlet.nodeName());
        out.println("count: " + next);
    }

    /** @return 1..86400, or -1 */
    private static int parseSeconds(String value) {
        try {
            int s = Integer.parseInt(value.trim());
            return s >= 1 && s <= 86_400 ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
