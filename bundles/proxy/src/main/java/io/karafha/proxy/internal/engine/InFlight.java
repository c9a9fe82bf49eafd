package io.karafha.proxy.internal.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests in flight to each backend node, so a draining node is told "done" only when none is left. */
public final class InFlight {

    private final Map<String, AtomicInteger> byNode = new ConcurrentHashMap<>();

    void start(String nodeId) {
        byNode.computeIfAbsent(nodeId, n -> new AtomicInteger()).incrementAndGet();
    }

    void end(String nodeId) {
        AtomicInteger n = byNode.get(nodeId);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** @return the requests this balancer has in flight to the node now */
    public int count(String nodeId) {
        AtomicInteger n = byNode.get(nodeId);
        return n == null ? 0 : Math.max(0, n.get());
    }
}
