package io.karafha.routes.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.routes.RouteHeaders;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend, in Jetty after every web context: a request the balancer sent that no context took
 * gets {@code 503} with {@value RouteHeaders#NOT_SERVED} instead of Jetty's plain 404, so the balancer
 * moves it to the next endpoint.
 * <p>
 * Why: a route can be served (its servlet is registered) while its web context is restarting. Pax Web
 * 8 restarts the context {@code /} when a bundle first uses the {@code HttpService} (installing Apache
 * CXF does: its {@code /cxf} servlet); for about 50 ms every servlet of that context, {@code /hello}
 * included, is unreachable and Jetty answers 404 (MaintenanceIT g_ saw 4 of them during a
 * {@code feature:install}). {@link NotServedCustomizer} cannot see that, it runs before the contexts.
 * An application's own 404 is a handled request and passes untouched, as do requests without the
 * balancer's route header (direct clients).
 * <p>
 * Pax Web puts a handler with a ranking of 0 or less after the contexts and keeps one per ranking;
 * {@value #RANKING} is this one's own (the sessions handler has -1000000).
 */
final class NotServedFallback extends AbstractHandler {

    static final int RANKING = -999_999;
    private static final Logger LOG = LoggerFactory.getLogger(NotServedFallback.class);

    static Dictionary<String, Object> serviceProperties() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, RANKING);
        return props;
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response) {
        String route = baseRequest.getHeader(RouteHeaders.ROUTE);
        if (baseRequest.isHandled() || route == null || response.isCommitted()) {
            return;
        }
        LOG.debug("{} {}: no web context took it (restarting?); route {} answered as not served here", baseRequest.getMethod(),
                baseRequest.getRequestURI(), route);
        NotServedCustomizer.answer(baseRequest, route);
    }
}
