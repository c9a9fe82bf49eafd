package io.karafha.routes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The registry entry for one path: its endpoints sorted by registration {@code order}; the first
 * is the master (Fabric failover model). Immutable; every {@code with...} method returns a copy.
 */
public final class Route implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final List<Endpoint> endpoints;

    /**
     * @param path      registry path, must start with {@code /}
     * @param endpoints endpoints in any order; sorted by {@code order} (stable). If the same node
     *                  id and URL appear twice, the one with the higher order is kept.
     * @throws IllegalArgumentException if the path does not start with {@code /}
     */
    public Route(String path, List<Endpoint> endpoints) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("Route path '" + path + "' must start with '/'");
        }
        List<Endpoint> sorted = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            int i = sorted.indexOf(Objects.requireNonNull(e, "endpoint"));
            if (i < 0) {
                sorted.add(e);
            } else if (e.getOrder() >= sorted.get(i).getOrder()) {
                sorted.set(i, e);
            }
        }
        sorted.sort(Comparator.comparingLong(Endpoint::getOrder));
        this.path = path;
        this.endpoints = List.copyOf(sorted);
    }

    /** @return a route with no endpoints */
    public static Route empty(String path) {
        return new Route(path, List.of());
    }

    /** @return the registry path, starting with {@code /} */
    public String getPath() {
        return path;
    }

    /** @return the endpoints sorted by order (unmodifiable) */
    public List<Endpoint> getEndpoints() {
        return endpoints;
    }

    /** @return true if no endpoint is registered */
    public boolean isEmpty() {
        return endpoints.isEmpty();
    }

    /** @return the first endpoint, or null if there is none */
    public Endpoint master() {
        return endpoints.isEmpty() ? null : endpoints.get(0);
    }

    /**
     * Adds a registration. A re-registration of the same node id and URL replaces the old entry,
     * which takes the new order and so normally moves to the end.
     */
    public Route withEndpoint(Endpoint endpoint) {
        List<Endpoint> list = new ArrayList<>(endpoints);
        list.remove(Objects.requireNonNull(endpoint, "endpoint"));
        list.add(endpoint);
        return new Route(path, list);
    }

    /** @return a copy without any endpoint of the given node */
    public Route withoutNode(String nodeId) {
        List<Endpoint> list = new ArrayList<>(endpoints);
        list.removeIf(e -> e.getNodeId().equals(nodeId));
        return list.size() == endpoints.size() ? this : new Route(path, list);
    }

    /** @return a copy without the given endpoint (matched by node id and URL) */
    public Route withoutEndpoint(Endpoint endpoint) {
        List<Endpoint> list = new ArrayList<>(endpoints);
        return list.remove(endpoint) ? new Route(path, list) : this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Route r && path.equals(r.path) && endpoints.equals(r.endpoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, endpoints);
    }

    @Override
    public String toString() {
        return path + " " + endpoints;
    }
}
