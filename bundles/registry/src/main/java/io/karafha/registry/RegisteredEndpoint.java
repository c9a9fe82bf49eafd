package io.karafha.registry;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the registry: the node that registered it, the address it serves on, and its
 * registration sequence number (higher = later; the list of a path is sorted by it). Immutable.
 */
public final class RegisteredEndpoint {

    private final String path;
    private final String nodeId;
    private final String address;
    private final long order;

    public RegisteredEndpoint(String path, String nodeId, String address, long order) {
        this.path = Objects.requireNonNull(path, "path");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.address = Objects.requireNonNull(address, "address");
        this.order = order;
    }

    /** @return the addresses of the endpoints, in their order, each once */
    public static List<String> addresses(List<RegisteredEndpoint> endpoints) {
        LinkedHashSet<String> addresses = new LinkedHashSet<>();
        endpoints.forEach(e -> addresses.add(e.getAddress()));
        return List.copyOf(addresses);
    }

    public String getPath() {
        return path;
    }

    public String getNodeId() {
        return nodeId;
    }

    public String getAddress() {
        return address;
    }

    public long getOrder() {
        return order;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisteredEndpoint e && path.equals(e.path) && nodeId.equals(e.nodeId)
                && address.equals(e.address) && order == e.order;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, nodeId, address, order);
    }

    @Override
    public String toString() {
        return path + " " + nodeId + " " + address + " #" + order;
    }
}
