package io.karafha.demo.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/**
 * A plain GET under /ws answers which node it is and where the echo is. The balancer publishes
 * routes from whiteboard servlets, so this servlet also makes /ws a route (the WebSocket
 * handshake itself is taken by Jetty's upgrade filter before any servlet).
 */
@Component(
        name = "io.karafha.demo.websocket.info",
        service = Servlet.class,
        property = {
                "osgi.http.whiteboard.servlet.pattern=/ws/*",
                "osgi.http.whiteboard.servlet.name=io.karafha.demo.websocket.info"
        })
public class InfoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static String node() {
        return System.getProperty("karaf.name", "unknown");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getOutputStream().write(("WebSocket echo at /ws/echo, node " + node() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
