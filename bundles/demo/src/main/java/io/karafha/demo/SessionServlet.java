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
 * to show (and test) that such an attribute is reported in the log and the request still succeeds.
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

    /** Not Serializable on purpose. */
    static final class NotSerializable {
        @Override
        public String toString() {
            return "a value that cannot be serialized";
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(true);
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
}
