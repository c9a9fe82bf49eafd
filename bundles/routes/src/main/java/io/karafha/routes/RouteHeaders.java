package io.karafha.routes;

/**
 * The two headers between the balancer and a backend that make a planned operation invisible:
 * the balancer names the route it chose in {@value #ROUTE}; a backend that does not serve that
 * route at this moment (an application restarting, updating, re-registering its servlet) answers
 * {@code 503} with {@value #NOT_SERVED} before the application sees the request, and the balancer
 * sends the request to the next endpoint (the request was not processed, so for every method).
 * Both are removed from what clients send and from what they receive.
 */
public final class RouteHeaders {

    /** Request header, balancer to backend: the route path the request was proxied for, e.g. {@code /hello}. */
    public static final String ROUTE = "X-Karaf-HA-Route";
    /** Response header, backend to balancer, on a 503: the route this node does not serve now. */
    public static final String NOT_SERVED = "X-Karaf-HA-Not-Served";

    private RouteHeaders() {
    }

    /** @return true for one of these two headers (case-insensitive): never taken from a client, never shown to one */
    public static boolean isOwn(String name) {
        return ROUTE.equalsIgnoreCase(name) || NOT_SERVED.equalsIgnoreCase(name);
    }
}
