package io.karafha.proxy.internal;

import io.karafha.proxy.EndpointState;
import io.karafha.proxy.EndpointStatus;
import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.Policy;

import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>
 * Every change is made under the table's lock and then published as an immutable {@link View};
 * the per-request calls ({@link #plan}, {@link #markSuccess} of a live endpoint) read the view
 * without taking the lock, so requests on many threads do not queue behind each other.
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

    /**
     * What a request needs, as of the last change: the LIVE endpoints in local order and the DOWN
     * ones with their retry times (DRAINED ones are never planned). Immutable.
     */
    private static final class View {
        static final View EMPTY = new View(new Endpoint[0], new Endpoint[0], new long[0]);

        final Endpoint[] live;
        final Endpoint[] down;
        final long[] downUntil;
        /** The FAILOVER plan while no endpoint is DOWN: the same list for every request. */
        final List<Endpoint> allLive;

        View(Endpoint[] live, Endpoint[] down, long[] downUntil) {
            this.live = live;
            this.down = down;
            this.downUntil = downUntil;
            this.allLive = List.of(live);
        }

        boolean isDown(Endpoint endpoint) {
            for (Endpoint d : down) {
                if (d.equals(endpoint)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Local order = iteration order; moving to the end is remove + put. Guarded by the table's lock. */
    private final Map<Endpoint, Entry> entries = new LinkedHashMap<>();
    private final AtomicLong rotation = new AtomicLong();
    private volatile View view = View.EMPTY;

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
        publish();
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
        View v = view;
        if (v.down.length == 0 && (policy != Policy.ROUND_ROBIN || v.live.length < 2)
                && (maxAttempts <= 0 || maxAttempts >= v.live.length)) {
            return v.allLive; // the common case: nothing down, the same list for every request
        }
        List<Endpoint> live = new ArrayList<>(v.live.length + v.down.length);
        live.addAll(Arrays.asList(v.live));
        List<Endpoint> retry = new ArrayList<>(v.down.length);
        for (int i = 0; i < v.down.length; i++) {
            if (nowMillis >= v.downUntil[i]) {
                retry.add(v.down[i]);
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
        publish();
        return wasLive;
    }

    /** Marks a DOWN endpoint LIVE again, keeping its position. @return true if it was DOWN */
    public boolean markSuccess(Endpoint endpoint) {
        if (!view.isDown(endpoint)) {
            return false; // every answer of a live endpoint comes here: no lock
        }
        synchronized (this) {
            Entry e = entries.get(endpoint);
            if (e == null || e.state != EndpointState.DOWN) {
                return false;
            }
            e.live();
            publish();
            return true;
        }
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
        publish();
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
        publish();
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

    /** Called under the lock after every change. */
    private void publish() {
        List<Endpoint> live = new ArrayList<>();
        List<Entry> down = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.state == EndpointState.LIVE) {
                live.add(e.endpoint);
            } else if (e.state == EndpointState.DOWN) {
                down.add(e);
            }
        }
        Endpoint[] downs = new Endpoint[down.size()];
        long[] until = new long[down.size()];
        for (int i = 0; i < downs.length; i++) {
            downs[i] = down.get(i).endpoint;
            until[i] = down.get(i).downUntil;
        }
        view = new View(live.toArray(new Endpoint[0]), downs, until);
    }
}
