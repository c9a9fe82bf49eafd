package io.karafha.proxy.internal;

import io.karafha.proxy.EndpointState;
import io.karafha.proxy.EndpointStatus;
import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.Policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The balancer's local view of one route: the endpoints in local order plus each one's
 * {@link EndpointState}. Thread-safe.
 * <p>
 * Fabric failover model: the first eligible endpoint is the master; a failed endpoint moves to the
 * end of the local order and is skipped until its retry time, so the survivor stays master and a
 * recovered endpoint comes back only as a follower.
 */
public final class EndpointTable {

    /** Mutable per-endpoint state; guarded by the table's lock. */
    private static final class Entry {
        Endpoint endpoint;
        EndpointState state = EndpointState.LIVE;
        long downUntil;
        String reason;
        boolean hung;

        Entry(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        boolean eligible(long now) {
            return state == EndpointState.LIVE || (state == EndpointState.DOWN && now >= downUntil);
        }

        void live() {
            state = EndpointState.LIVE;
            downUntil = 0;
            reason = null;
            hung = false;
        }
    }

    /** Local order = iteration order; moving to the end is remove + put. */
    private final Map<Endpoint, Entry> entries = new LinkedHashMap<>();
    private final AtomicLong rotation = new AtomicLong();

    /**
     * Replaces membership with the registry's endpoints. Endpoints no longer listed disappear with
     * their state; new ones are appended in the given order; existing ones keep local position and
     * state. An existing endpoint listed with a higher {@code order} has re-registered (restarted):
     * it moves to the end and a DOWN state is cleared (DRAINED stays).
     */
    public synchronized void update(List<Endpoint> registryOrder) {
        Map<Endpoint, Endpoint> listed = new LinkedHashMap<>();
        for (Endpoint e : registryOrder) {
            listed.putIfAbsent(e, e);
        }
        entries.keySet().retainAll(listed.keySet());
        for (Endpoint e : listed.values()) {
            Entry entry = entries.get(e);
            if (entry == null) {
                entries.put(e, new Entry(e));
            } else if (e.getOrder() > entry.endpoint.getOrder()) {
                entry.endpoint = e;
                if (entry.state == EndpointState.DOWN) {
                    entry.live();
                }
                moveToEnd(entry);
            }
        }
    }

    /**
     * @param maxAttempts truncate to this many endpoints if &gt; 0
     * @return the endpoints one request should try, in order (unmodifiable, empty if none is
     *         eligible): LIVE ones in local order, then DOWN ones whose retry time has passed;
     *         DRAINED never. ROUND_ROBIN picks the first one by rotating among the LIVE ones
     *         (or, if none is LIVE, among the retryable ones) on every call; the rest follow in
     *         the order above.
     */
    public List<Endpoint> plan(Policy policy, long nowMillis, int maxAttempts) {
        List<Endpoint> live = new ArrayList<>();
        List<Endpoint> retry = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                if (e.state == EndpointState.LIVE) {
                    live.add(e.endpoint);
                } else if (e.eligible(nowMillis)) {
                    retry.add(e.endpoint);
                }
            }
        }
        if (policy == Policy.ROUND_ROBIN) {
            List<Endpoint> pool = live.isEmpty() ? retry : live;
            if (pool.size() > 1) {
                pool.add(0, pool.remove((int) Math.floorMod(rotation.getAndIncrement(), (long) pool.size())));
            }
        }
        live.addAll(retry);
        if (maxAttempts > 0 && live.size() > maxAttempts) {
            return List.copyOf(live.subList(0, maxAttempts));
        }
        return List.copyOf(live);
    }

    /**
     * Marks an endpoint DOWN until {@code nowMillis + retryIntervalMs} and moves it to the end of
     * the local order. Unknown or DRAINED endpoints are ignored.
     *
     * @return true if it was LIVE before (so the caller logs the failure once)
     */
    public boolean markDown(Endpoint endpoint, long nowMillis, long retryIntervalMs, String reason) {
        return markDown(endpoint, nowMillis, retryIntervalMs, reason, false);
    }

    /**
     * As {@link #markDown(Endpoint, long, long, String)}; {@code hung} records that the endpoint
     * accepted the request and then did not answer within the response timeout (shown as "hung").
     */
    public synchronized boolean markDown(Endpoint endpoint, long nowMillis, long retryIntervalMs, String reason,
                                         boolean hung) {
        Entry e = entries.get(endpoint);
        if (e == null || e.state == EndpointState.DRAINED) {
            return false;
        }
        boolean wasLive = e.state == EndpointState.LIVE;
        e.state = EndpointState.DOWN;
        long interval = Math.max(0, retryIntervalMs);
        e.downUntil = nowMillis > Long.MAX_VALUE - interval ? Long.MAX_VALUE : nowMillis + interval;
        e.reason = reason;
        e.hung = hung;
        moveToEnd(e);
        return wasLive;
    }

    /** Marks a DOWN endpoint LIVE again, keeping its position. @return true if it was DOWN */
    public synchronized boolean markSuccess(Endpoint endpoint) {
        Entry e = entries.get(endpoint);
        if (e == null || e.state != EndpointState.DOWN) {
            return false;
        }
        e.live();
        return true;
    }

    /** Takes an endpoint out by hand, keeping its position. @return true if the state changed */
    public synchronized boolean drain(Endpoint endpoint) {
        Entry e = entries.get(endpoint);
        if (e == null || e.state == EndpointState.DRAINED) {
            return false;
        }
        e.state = EndpointState.DRAINED;
        e.downUntil = 0;
        e.reason = null;
        e.hung = false;
        return true;
    }

    /** Puts a DRAINED endpoint back as LIVE at the end (a follower). @return true if it was DRAINED */
    public synchronized boolean restore(Endpoint endpoint) {
        Entry e = entries.get(endpoint);
        if (e == null || e.state != EndpointState.DRAINED) {
            return false;
        }
        e.live();
        moveToEnd(e);
        return true;
    }

    /** @return the first endpoint of a FAILOVER plan, or null if none is eligible */
    public Endpoint master(long nowMillis) {
        List<Endpoint> plan = plan(Policy.FAILOVER, nowMillis, 1);
        return plan.isEmpty() ? null : plan.get(0);
    }

    /** @return one row per endpoint in local order (unmodifiable) */
    public synchronized List<EndpointStatus> snapshot(long nowMillis) {
        List<EndpointStatus> rows = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            rows.add(new EndpointStatus(e.endpoint, e.state, e.downUntil, e.reason, e.hung, e.eligible(nowMillis)));
        }
        return List.copyOf(rows);
    }

    /** @return the number of endpoints, whatever their state */
    public synchronized int size() {
        return entries.size();
    }

    private void moveToEnd(Entry e) {
        entries.remove(e.endpoint);
        entries.put(e.endpoint, e);
    }
}
