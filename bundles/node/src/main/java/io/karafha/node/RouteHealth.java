package io.karafha.node;

/**
 * What the route layer tells {@code /karaf-ha/health}: registered as a service by the operations
 * bundle ({@code io.karafha.operations}) on every node. Without this service a node is not ready.
 */
public interface RouteHealth {

    /**
     * @param role     {@code balancer} (proxies routes), {@code backend} (publishes them) or {@code none}
     * @param readable whether the cluster route registry could be read just now
     * @param known    routes in the registry of this node's groups (0 if unreadable)
     * @param local    routes proxied here (balancer) or published by this node (backend)
     * @param note     a sentence for people when something is missing (no route yet, registry
     *                 unreadable), else null
     */
    record Status(String role, boolean readable, int known, int local, String note) {
    }

    /** @return a fresh status; never throws */
    Status status();
}
