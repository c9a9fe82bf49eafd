package io.karafha.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * GET /hello answers, as text, the name of the Karaf node that served the request
 * ({@code karaf.name}) and the {@code message} of the {@code io.karafha.demo} configuration.
 * Which node answered and whether a configuration change reached it are thus visible from outside.
 * It also prints the client address, scheme and request URL the application sees (through the
 * balancer: the real client and the balancer's address), and {@code GET /hello?redirect} answers
 * a redirect built by the servlet container ({@code sendRedirect}) back to /hello.
 */
@Component(
        name = "io.karafha.demo.hello",
        configurationPolicy = ConfigurationPolicy.IGNORE,
        service = Servlet.class,
        property = {
                "osgi.http.whiteboard.servlet.pattern=/hello",
                "osgi.http.whiteboard.servlet.name=io.karafha.demo.hello"
        })
public class HelloServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Longest delay a POST may ask for: keeps a test's hung request bounded. */
    static final long MAX_DELAY_MS = 30_000;

    private final AtomicLong posts = new AtomicLong();

    @Reference
    private transient DemoMessage message;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getParameter("redirect") != null) {
            resp.setHeader("X-Karaf-HA-Node", nodeName());
            resp.sendRedirect(req.getContextPath() + "/hello");
            return;
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Karaf-HA-Node", nodeName());
        PrintWriter out = resp.getWriter();
        out.println("node: " + nodeName());
        out.println("message: " + message.get());
        out.println("posts: " + posts.get());
        out.println("client: " + req.getRemoteAddr());
        out.println("scheme: " + req.getScheme());
        out.println("url: " + req.getRequestURL());
    }

    /**
     * POST /hello[?delay=ms]: reads the whole body, counts it, waits {@code delay} ms (at most 30 s;
     * how the tests make a backend die with a request in hand), then answers who received how much.
     */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long delay;
        try {
            delay = req.getParameter("delay") == null ? 0 : Long.parseLong(req.getParameter("delay"));
        } catch (NumberFormatException e) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "delay='" + req.getParameter("delay") + "' is not a number of ms");
            return;
        }
        if (delay < 0 || delay > MAX_DELAY_MS) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "delay=" + delay + " is not between 0 and " + MAX_DELAY_MS + " ms");
            return;
        }
        long received = req.getInputStream().transferTo(OutputStream.nullOutputStream());
        posts.incrementAndGet();
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("X-Karaf-HA-Node", nodeName());
        PrintWriter out = resp.getWriter();
        out.println("node: " + nodeName());
        out.println("received: " + received + " bytes");
    }

    static String nodeName() {
        return System.getProperty("karaf.name", "unknown");
    }
}
