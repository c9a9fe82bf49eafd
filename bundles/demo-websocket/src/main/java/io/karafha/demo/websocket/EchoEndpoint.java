package io.karafha.demo.websocket;

import javax.websocket.OnMessage;
import javax.websocket.OnOpen;
import javax.websocket.Session;
import javax.websocket.server.ServerEndpoint;

import org.osgi.service.component.annotations.Component;

/**
 * WebSocket echo at {@code /ws/echo}: each text message comes back as {@code "<node>: <message>"}
 * ({@code karaf.name}), so a client sees which node holds its WebSocket. Registered as a Pax Web 8
 * WebSocket whiteboard service (JSR 356 annotations, Jetty's implementation from feature
 * pax-web-jetty-websockets). Stateless: one instance serves every session.
 */
@Component(
        name = "io.karafha.demo.websocket.echo",
        service = Object.class,
        property = "org.ops4j.pax.web.http.whiteboard.websocket=true")
@ServerEndpoint("/ws/echo")
public class EchoEndpoint {

    @OnOpen
    public void open(Session session) {
        session.setMaxIdleTimeout(0);
    }

    @OnMessage
    public String echo(String message) {
        return InfoServlet.node() + ": " + message;
    }
}
