package io.karafha.proxy.internal.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.karafha.routes.Endpoint;

/**
 * Request counters of the balancer, per route path and per endpoint of a path; lock-free
 * ({@link LongAdder}), fed by the proxy as a {@link ProxyListener}. Counted since the balancer's
 * proxy started; a route that goes and comes back keeps its counts.
 * <ul>
 * <li>path: <b>requests</b> every client request; <b>failures</b> requests answered 5xx
 * (by a backend or by the balancer) or broken off; <b>failovers</b> moves of a request to the
 * next endpoint.</li>
 * <li>endpoint: <b>requests</b> requests it answered; <b>failures</b> tries on it that failed
 * (listed exception, timeout, failover status); <b>failovers</b> requests moved away from it.</li>
 * </ul>
 */
public final class RouteCounters implements ProxyListener {

    /** A snapshot of one set of counters. */
    public record Count(long requests, long failures, long failovers) {
        public static final Count ZERO = new Count(0, 0, 0);
    }

    private static final class Cell {
        final LongAdder requests = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder failovers = new LongAdder();

        Count snapshot() {
            return new Count(requests.sum(), failures.sum(), failovers.sum());
        }
    }

    private final Map<String, Cell> paths = new ConcurrentHashMap<>();
    private final Map<String, Map<Endpoint, Cell>> endpoints = new ConcurrentHashMap<>();

    private Cell path(String path) {
        return paths.computeIfAbsent(path, p -> new Cell());
    }

    private Cell endpoint(String path, Endpoint endpoint) {
        return endpoints.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).computeIfAbsent(endpoint, e -> new Cell());
    }

    @Override
    public void requestDone(String routePath, Endpoint endpoint, int status, long nanos) {
        Cell p = path(routePath);
        p.requests.increment();
        if (status >= 500) {
            p.failures.increment();
        }
        if (endpoint != null && status < 500) {
            endpoint(routePath, endpoint).requests.increment();
        }
    }

    @Override
    public void requestFailed(String routePath, Endpoint endpoint, String reason) {
        Cell p = path(routePath);
        p.requests.increment();
        p.failures.increment();
    }

    @Override
    public void attemptFailed(String routePath, Endpoint endpoint, String reason, boolean hung) {
        endpoint(routePath, endpoint).failures.increment();
    }

    @Override
    public void failover(String routePath, Endpoint from, Endpoint to, String reason) {
        path(routePath).failovers.increment();
        endpoint(routePath, from).failovers.increment();
    }

    /** @return the counters of a path, zero if it never had a request */
    public Count of(String path) {
        Cell c = paths.get(path);
        return c == null ? Count.ZERO : c.snapshot();
    }

    /** @return the counters of one endpoint of a path, zero if it never counted anything */
    public Count of(String path, Endpoint endpoint) {
        Map<Endpoint, Cell> m = endpoints.get(path);
        Cell c = m == null ? null : m.get(endpoint);
        return c == null ? Count.ZERO : c.snapshot();
    }
}
