package io.karafha.balancer.internal.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The route paths this backend can answer at this very moment. A path leaves the set the moment
 * its application starts to stop or its servlet service goes away (seen by the framework event hooks
 * of {@link WithdrawFirst}, before any listener, so before Pax Web removes the servlet), and comes back only once Pax Web has deployed a servlet after
 * that. Between two, the backend answers the balancer "not served here" instead of a 404.
 */
final class ServedPaths {

    private final AtomicLong clock = new AtomicLong();
    /** path -> tick of its withdrawal; ignored once a deployment came after it */
    private final Map<String, Long> withdrawn = new ConcurrentHashMap<>();
    private volatile long lastDeployed;
    private volatile Set<String> registered = Set.of();
    private volatile Set<String> deployed = Set.of();
    private volatile boolean known;

    /** @return true if this node answers the route now (true as long as nothing was scanned yet) */
    boolean serves(String path) {
        if (!known) {
            return true;
        }
        Long out = withdrawn.get(path);
        return (out == null || lastDeployed > out) && (registered.contains(path) || deployed.contains(path));
    }

    /** The paths' application is stopping or their servlet is going away: not served from now on. */
    void withdrawNow(Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        long tick = clock.incrementAndGet();
        paths.forEach(p -> withdrawn.put(p, tick));
    }

    /** Pax Web deployed a web element. */
    void deployed() {
        lastDeployed = clock.incrementAndGet();
        withdrawn.values().removeIf(t -> t < lastDeployed);
    }

    /** The whiteboard servlets registered now (service properties). */
    void registered(Set<String> paths) {
        registered = Set.copyOf(paths);
        known = true;
    }

    /** What the HTTP runtime shows as deployed now. */
    void runtime(Set<String> paths) {
        deployed = Set.copyOf(paths);
        known = true;
    }
}
