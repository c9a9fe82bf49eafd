package io.karafha.routes;

import java.util.Map;
import java.util.TreeMap;

import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegisteredEndpoint;
import org.apache.karaf.cellar.core.Group;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes of a Cellar group in the endpoint registry: space {@code routes.<group>}, one
 * path per route, the address of an entry is the backend's base URL.
 */
public final class RouteSpace {

    private static final Logger LOG = LoggerFactory.getLogger(RouteSpace.class);

    /** Registry space and path under which every running balancer lists itself (a draining backend waits for them). */
    public static final String BALANCERS = "balancers";
    public static final String BALANCERS_PATH = "proxy";

    private RouteSpace() {
    }

    public static String of(Group group) {
        return "routes." + group.getName();
    }

    /** Every route of the group, endpoints in registration order; an entry with a bad URL is skipped, logged. */
    public static Map<String, Route> routes(EndpointRegistry registry, Group group) {
        Map<String, Route> routes = new TreeMap<>();
        registry.endpoints(of(group)).forEach((path, entries) -> {
            Route route = Route.empty(path);
            for (RegisteredEndpoint e : entries) {
                try {
                    route = route.withEndpoint(Endpoint.of(e.getNodeId(), e.getAddress(), e.getOrder()));
                } catch (IllegalArgumentException bad) {
                    LOG.warn("Route {} has an endpoint that cannot be used: {}", path, bad.getMessage());
                }
            }
            routes.put(path, route);
        });
        return routes;
    }
}
