package io.karafha.registry.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.core.Member;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegisteredEndpoint;
import io.karafha.registry.Registration;
import io.karafha.registry.RegistryListener;
import io.karafha.registry.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry on a Hazelcast 3.12 member or client: one map per space,
 * {@code io.karafha.registry.<space>} (merge policy DiscardMergePolicy in hazelcast.xml: a healed
 * node's old entries are not merged back), one cluster-wide counter for the order
 * ({@code io.karafha.registry.order}), the nodes' names in {@code io.karafha.nodes} and the draining
 * nodes in {@code io.karafha.draining} (acknowledged by the balancers in {@code io.karafha.draining.acks}). Listeners are added on first use and removed by
 * {@link #close()}.
 */
public final class HazelcastEndpointRegistry implements EndpointRegistry {

    static final String MAP_PREFIX = "io.karafha.registry.";
    static final String ORDER_COUNTER = "io.karafha.registry.order";
    static final String NODE_NAMES = "io.karafha.nodes";
    static final String DRAINING = "io.karafha.draining";
    static final String DRAIN_ACKS = "io.karafha.draining.acks";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastEndpointRegistry.class);

    private final HazelcastInstance hazelcast;
    /** This node's registrations (key -> value), to put back after a merge. */
    private final Map<Own, Map<String, Object>> own = new ConcurrentHashMap<>();

    /** One of this node's entries: its space and map key. */
    private record Own(String space, String key) {
    }
    private final Map<String, SpaceView> views = new ConcurrentHashMap<>();
    private final NodeDirectory nodes;
    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> unlisten = new CopyOnWriteArrayList<>();
    private volatile boolean started;

    public HazelcastEndpointRegistry(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.nodes = new NodeDirectory(hazelcast, listeners);
    }

    /** Writes this node's Karaf name into the cluster, so people see "karaf1"; again after a merge. */
    public void announce(String name) {
        start();
        nodes.announce(localNodeId(), name);
    }

    @Override
    public Registration register(String space, String path, String address) {
        start();
        String node = localNodeId();
        String key = Entries.key(path, node, address);
        IMap<String, Map<String, Object>> map = map(space);
        try {
            Map<String, Object> value = Entries.value(path, node, address, nextOrder());
            map.set(key, value);
            own.put(new Own(space, key), value);
            SpaceView view = views.get(space);
            if (view != null) {
                view.written(key, value);
            }
            LOG.debug("{} registered under {} in {} (order {})", address, path, space, value.get("order"));
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot register " + address + " under " + path + " in " + space + ": " + e, e);
        }
        return () -> unregister(space, key);
    }

    private void unregister(String space, String key) {
        if (own.remove(new Own(space, key)) == null) {
            return;
        }
        SpaceView view = views.get(space);
        if (view != null) {
            view.written(key, null);
        }
        try {
            map(space).delete(key);
        } catch (RuntimeException e) {
            LOG.debug("{} not removed from {} (cluster gone): {}", key, space, e.toString());
        }
    }

    @Override
    public void withdraw(String space, String path) {
        start();
        String node = localNodeId();
        IMap<String, Map<String, Object>> map = map(space);
        for (Map.Entry<String, Map<String, Object>> e : map.entrySet()) {
            RegisteredEndpoint endpoint = Entries.endpoint(e.getValue());
            if (endpoint != null && endpoint.getPath().equals(path) && endpoint.getNodeId().equals(node)) {
                own.remove(new Own(space, e.getKey()));
                map.delete(e.getKey());
            }
        }
    }

    @Override
    public List<RegisteredEndpoint> endpoints(String space, String path) {
        start();
        IMap<String, Map<String, Object>> map = map(space);
        try {
            return Entries.ordered(path, map.values());
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot read the cluster registry: " + e, e);
        }
    }

    @Override
    public List<String> addresses(String space, String path) {
        return RegisteredEndpoint.addresses(endpoints(space, path));
    }

    @Override
    public Map<String, List<RegisteredEndpoint>> endpoints(String space) {
        start();
        IMap<String, Map<String, Object>> map = map(space);
        try {
            return Entries.byPath(map.values());
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot read the cluster registry: " + e, e);
        }
    }

    @Override
    public List<String> localPaths(String space) {
        String node = localNodeId();
        Set<String> paths = new TreeSet<>();
        endpoints(space).forEach((path, list) -> {
            if (list.stream().anyMatch(e -> e.getNodeId().equals(node))) {
                paths.add(path);
            }
        });
        return new ArrayList<>(paths);
    }

    @Override
    public Registration watch(String space, String path, Consumer<List<RegisteredEndpoint>> listener) {
        start();
        IMap<String, Map<String, Object>> map = map(space);
        try {
            return views.computeIfAbsent(space, s -> new SpaceView(map)).watch(path, listener);
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot read the cluster registry: " + e, e);
        }
    }

    @Override
    public void setDraining(boolean draining) {
        start();
        nodes.setDraining(localNodeId(), draining);
    }

    @Override
    public void acknowledgeDrain(String drainingNodeId) {
        start();
        nodes.acknowledge(drainingNodeId, localNodeId());
    }

    @Override
    public Set<String> drainAcknowledgements(String drainingNodeId) {
        start();
        return nodes.acknowledgements(drainingNodeId);
    }

    @Override
    public Set<String> drainingNodes() {
        start();
        return nodes.draining();
    }

    @Override
    public String localNodeId() {
        try {
            return Entries.nodeId(hazelcast.getCluster().getLocalMember());
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("Only a cluster member can register endpoints (this is a Hazelcast client)", e);
        }
    }

    @Override
    public Map<String, String> nodeNames() {
        start();
        return nodes.names();
    }

    @Override
    public List<String> memberIds() {
        List<String> ids = new ArrayList<>();
        try {
            ids.add(localNodeId());
        } catch (IllegalStateException client) {
            // a client lists the members only
        }
        for (Member m : hazelcast.getCluster().getMembers()) {
            String id = Entries.nodeId(m);
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Override
    public boolean isAvailable() {
        try {
            if (!hazelcast.getLifecycleService().isRunning()) {
                return false;
            }
            start();
            hazelcast.getMap(DRAINING).size();
            return true;
        } catch (RuntimeException e) {
            LOG.debug("cluster registry not available: {}", e.toString());
            return false;
        }
    }

    @Override
    public void addListener(RegistryListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(RegistryListener listener) {
        listeners.remove(listener);
    }

    /** Removes every entry of a node in every space; idempotent, any member may do it. */
    public int pruneNode(String nodeId) {
        int removed = 0;
        for (String name : spaceMapNames()) {
            IMap<String, Map<String, Object>> map = hazelcast.getMap(name);
            for (Map.Entry<String, Map<String, Object>> e : map.entrySet()) {
                RegisteredEndpoint endpoint = Entries.endpoint(e.getValue());
                if (endpoint != null && endpoint.getNodeId().equals(nodeId)) {
                    map.delete(e.getKey());
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Listens to membership and lifecycle; called by every operation, does its work once. */
    public void start() {
        if (started) {
            return;
        }
        synchronized (this) {
            if (started) {
                return;
            }
            try {
                unlisten.add(nodes.listen());
                String membership = hazelcast.getCluster().addMembershipListener(new Membership(this, nodes, listeners));
                unlisten.add(() -> hazelcast.getCluster().removeMembershipListener(membership));
                String lifecycle = hazelcast.getLifecycleService().addLifecycleListener(event -> {
                    if (event.getState() == LifecycleState.MERGED) {
                        merged();
                    } else if (event.getState() == LifecycleState.CLIENT_CONNECTED) {
                        views.values().forEach(SpaceView::reload);
                    }
                });
                unlisten.add(() -> hazelcast.getLifecycleService().removeLifecycleListener(lifecycle));
                started = true;
            } catch (RuntimeException e) {
                unlisten.forEach(Runnable::run);
                unlisten.clear();
                throw new RegistryUnavailableException("Cannot reach the cluster registry: " + e, e);
            }
        }
    }

    /** Removes this node's entries and every listener (the service goes away). */
    public void close() {
        own.keySet().forEach(k -> unregister(k.space(), k.key()));
        views.values().forEach(SpaceView::close);
        views.clear();
        unlisten.forEach(r -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.debug("listener already gone: {}", e.toString());
            }
        });
        unlisten.clear();
        started = false;
    }

    /**
     * A healed partition: the others pruned this node and the merge dropped its old entries, so it
     * registers them again, at the end of the order, and says who it is again.
     */
    private void merged() {
        LOG.info("Cluster partition healed: this node ({}) registers its {} endpoint(s) again, after the others",
                localNodeId(), own.size());
        try {
            nodes.announceAgain(localNodeId());
            own.replaceAll((k, value) -> {
                Map<String, Object> again = Entries.value((String) value.get("path"), (String) value.get("node"),
                        (String) value.get("address"), nextOrder());
                map(k.space()).set(k.key(), again);
                return again;
            });
        } catch (RuntimeException e) {
            LOG.warn("After the partition healed, this node's endpoints could not all be registered again: {}", e.toString());
        }
        views.values().forEach(SpaceView::reload);
        listeners.forEach(RegistryListener::merged);
    }

    /** A member joined: put back any of this node's entries that a false alarm pruned (same order). */
    void restoreOwn() {
        own.forEach((k, value) -> {
            try {
                if (map(k.space()).putIfAbsent(k.key(), value) == null) {
                    LOG.info("{} registered again under {} after a cluster change", value.get("address"), value.get("path"));
                }
            } catch (RuntimeException e) {
                LOG.debug("restoring {} failed: {}", k, e.toString());
            }
        });
    }

    private long nextOrder() {
        return hazelcast.getAtomicLong(ORDER_COUNTER).incrementAndGet();
    }

    private IMap<String, Map<String, Object>> map(String space) {
        if (space == null || space.isBlank() || space.contains("|")) {
            throw new IllegalArgumentException("'" + space + "' is not a registry space (e.g. routes.web or cxf)");
        }
        return hazelcast.getMap(MAP_PREFIX + space);
    }

    private List<String> spaceMapNames() {
        List<String> names = new ArrayList<>();
        for (DistributedObject o : hazelcast.getDistributedObjects()) {
            if (o instanceof IMap && o.getName().startsWith(MAP_PREFIX)) {
                names.add(o.getName());
            }
        }
        return names;
    }

    /** For the console and the tests: space -> path -> endpoints, read now. */
    public Map<String, Map<String, List<RegisteredEndpoint>>> snapshot() {
        Map<String, Map<String, List<RegisteredEndpoint>>> all = new TreeMap<>();
        for (String name : spaceMapNames()) {
            all.put(name.substring(MAP_PREFIX.length()), Entries.byPath(hazelcast.<String, Map<String, Object>>getMap(name).values()));
        }
        return all;
    }
}
