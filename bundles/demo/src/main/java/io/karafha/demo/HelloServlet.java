package io.karafha.demo;

import java.io.IOException;
import java.io.PrintWriter;

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

    @Reference
    private transient DemoMessage message;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Karaf-HA-Node", nodeName());
        PrintWriter out = resp.getWriter();
        out.println("node: " + nodeName());
        out.println("message: " + message.get());
    }

    static String nodeName() {
        return System.getProperty("karaf.name", "unknown");
    }
}
