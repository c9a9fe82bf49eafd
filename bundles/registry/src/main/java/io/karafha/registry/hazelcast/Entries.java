package io.karafha.registry.hazelcast;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.hazelcast.core.Member;
import io.karafha.registry.RegisteredEndpoint;

/**
 * How an endpoint is stored: key {@code "<path>|<nodeId>|<address>"}, value a JDK HashMap of
 * path, node, address and order (plain JDK types, so any member or client can read it without
 * this bundle's classes).
 */
final class Entries {

    private Entries() {
    }

    static String key(String path, String nodeId, String address) {
        return path + "|" + nodeId + "|" + address;
    }

    static Map<String, Object> value(String path, String nodeId, String address, long order) {
        Map<String, Object> value = new HashMap<>();
        value.put("path", path);
        value.put("node", nodeId);
        value.put("address", address);
        value.put("order", order);
        return value;
    }

    /** @return the entry, or null when it lacks a field (written by something else) */
    static RegisteredEndpoint endpoint(Map<String, Object> value) {
        if (value == null || !(value.get("path") instanceof String path) || !(value.get("node") instanceof String node)
                || !(value.get("address") instanceof String address) || !(value.get("order") instanceof Number order)) {
            return null;
        }
        return new RegisteredEndpoint(path, node, address, order.longValue());
    }

    /** The entries of one path, in registration order. */
    static List<RegisteredEndpoint> ordered(String path, Collection<Map<String, Object>> values) {
        List<RegisteredEndpoint> list = new ArrayList<>();
        for (Map<String, Object> v : values) {
            RegisteredEndpoint e = endpoint(v);
            if (e != null && e.getPath().equals(path)) {
                list.add(e);
            }
        }
        list.sort(Comparator.comparingLong(RegisteredEndpoint::getOrder));
        return List.copyOf(list);
    }

    /** Every path of the values, each with its entries in registration order. */
    static Map<String, List<RegisteredEndpoint>> byPath(Collection<Map<String, Object>> values) {
        Map<String, List<RegisteredEndpoint>> byPath = new TreeMap<>();
        for (Map<String, Object> v : values) {
            RegisteredEndpoint e = endpoint(v);
            if (e != null) {
                byPath.computeIfAbsent(e.getPath(), p -> new ArrayList<>()).add(e);
            }
        }
        byPath.replaceAll((p, list) -> {
            list.sort(Comparator.comparingLong(RegisteredEndpoint::getOrder));
            return List.copyOf(list);
        });
        return byPath;
    }

    /** The id Cellar gives a member: "host:port" of its Hazelcast address. */
    static String nodeId(Member member) {
        InetSocketAddress socket = member.getSocketAddress();
        InetAddress address = socket.getAddress();
        String host = address != null && address.toString().startsWith("/") ? address.getHostAddress() : socket.getHostName();
        return host + ":" + socket.getPort();
    }
}
