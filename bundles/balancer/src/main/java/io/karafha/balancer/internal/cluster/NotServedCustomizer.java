package io.karafha.balancer.internal.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.karafha.balancer.RouteHeaders;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend, in Jetty before any context: a request the balancer sent for a route this node
 * does not serve at this moment gets {@code 503} with {@value RouteHeaders#NOT_SERVED}, so the
 * balancer moves it to the next endpoint; the application never sees it. Requests without the
 * balancer's route header (direct clients) are left alone.
 */
final class NotServedCustomizer implements HttpConfiguration.Customizer {

    private static final Logger LOG = LoggerFactory.getLogger(NotServedCustomizer.class);

    private final ServedPaths served;

    NotServedCustomizer(ServedPaths served) {
        this.served = served;
    }

    @Override
    public void customize(Connector connector, HttpConfiguration config, Request request) {
        String route = request.getHeader(RouteHeaders.ROUTE);
        if (route == null || served.serves(route)) {
            return;
        }
        LOG.debug("{} {}: route {} not served here now, the balancer tries the next endpoint", request.getMethod(), request.getRequestURI(), route);
        Response response = request.getResponse();
        byte[] body = ("Route " + route + " is not served by this node at this moment\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(503);
        response.setHeader(RouteHeaders.NOT_SERVED, route);
        response.setHeader("Retry-After", "1");
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            LOG.debug("not-served answer not written: {}", e.toString());
        }
        request.setHandled(true);
    }
}
