package io.karafha.routes.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The route paths this backend can answer at this very moment. A path leaves the set the moment
 * its application starts to stop, its servlet service goes away, or Pax Web starts to build its HTTP
 * server again (seen by the framework event hooks of {@link WithdrawFirst}, before any listener, so
 * before Pax Web removes the servlet), and comes back only once Pax Web has deployed a servlet for
 * that very path after that. Between two, the backend answers the balancer "not served here"
 * instead of a 404.
 */
final class ServedPaths {

    private final AtomicLong clock = new AtomicLong();
    /** path -> tick of its last withdrawal */
    private final Map<String, Long> withdrawn = new ConcurrentHashMap<>();
    /** path -> tick of the last deployment of a servlet for it */
    private final Map<String, Long> deployedAt = new ConcurrentHashMap<>();
    private volatile Set<String> registered = Set.of();
    private volatile Set<String> deployed = Set.of();
    private volatile boolean known;

    /** @return true if this node answers the route now (true as long as nothing was scanned yet) */
    boolean serves(String path) {
        if (!known) {
            return true;
        }
        Long out = withdrawn.get(path);
        return (out == null || deployedAt.getOrDefault(path, 0L) > out) && (registered.contains(path) || deployed.contains(path));
    }

    /** The paths' application is stopping or their servlet is going away: not served from now on. */
    void withdrawNow(Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        long tick = clock.incrementAndGet();
        paths.forEach(p -> withdrawn.put(p, tick));
    }

    /** Pax Web is about to stop its HTTP server (to build a new one): no whiteboard servlet is served until deployed again. */
    void withdrawAllRegistered() {
        withdrawNow(registered);
    }

    /** Pax Web deployed a servlet for these paths. */
    void deployed(Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        long tick = clock.incrementAndGet();
        paths.forEach(p -> deployedAt.put(p, tick));
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
