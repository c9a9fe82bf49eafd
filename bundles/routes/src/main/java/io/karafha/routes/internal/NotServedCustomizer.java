package io.karafha.routes.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;

import io.karafha.routes.RouteHeaders;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend, in Jetty before any context: a request the balancer sent for a route this node
 * does not serve at this moment gets {@code 503} with {@value RouteHeaders#NOT_SERVED}, so the
 * balancer moves it to the next endpoint; the application never sees it. Requests without the
 * balancer's route header (direct clients) are left alone.
 * <p>
 * Pax Web 8 applies {@code Customizer} services to every Jetty server it builds, also when it builds
 * the server again because a {@code Handler} service came or went (as {@code ha-sessions} does). It
 * keeps them in a set ordered by {@code service.ranking} alone, so of two customizers with the same
 * ranking only the first stays: this one has a ranking of its own, {@value #RANKING}, and leaves the
 * default 0 to others (Jetty's {@code ForwardedRequestCustomizer}, say).
 */
final class NotServedCustomizer implements HttpConfiguration.Customizer {

    static final int RANKING = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(NotServedCustomizer.class);

    private final ServedPaths served;

    NotServedCustomizer(ServedPaths served) {
        this.served = served;
    }

    static Dictionary<String, Object> serviceProperties() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, RANKING);
        return props;
    }

    @Override
    public void customize(Connector connector, HttpConfiguration config, Request request) {
        String route = request.getHeader(RouteHeaders.ROUTE);
        if (route == null || served.serves(route)) {
            return;
        }
        LOG.debug("{} {}: route {} not served here now, the balancer tries the next endpoint", request.getMethod(), request.getRequestURI(), route);
        answer(request, route);
    }

    /** 503 with {@value RouteHeaders#NOT_SERVED}: the balancer moves the request on; the application never saw it. */
    static void answer(Request request, String route) {
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
