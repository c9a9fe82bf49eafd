package io.karafha.cxf.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.MapEvent;
import com.hazelcast.core.Member;
import com.hazelcast.core.MembershipAdapter;
import com.hazelcast.core.MembershipEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import io.karafha.cxf.EndpointRegistry;
import io.karafha.cxf.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint registry in one cluster-wide Hazelcast map, {@code io.karafha.cxf.endpoints}: one
 * entry per path, node and address ({@code "<path>|<nodeId>|<address>"} -> JDK HashMap of path,
 * node, address, order), so a node only ever writes its own keys. {@code order} comes from the
 * cluster-wide counter {@code io.karafha.cxf.endpoints.order}: a registration made again goes to
 * the end. The same model as the balancer's route registry; one map for the whole cluster (not one
 * per Cellar group) because a CXF client may run on any node, in any group, or outside Karaf.
 *
 * <p>Every member removes the entries of a member that leaves (crash, kill -9, partition); a
 * member puts its own entries back when the cluster merges after a partition. Watchers are fed
 * from a local copy kept current by a map listener, so reading the list costs no network trip.
 */
public final class HazelcastEndpointRegistry implements EndpointRegistry, ClusterHost {

    static final String MAP = "io.karafha.cxf.endpoints";
    static final String ORDER_COUNTER = "io.karafha.cxf.endpoints.order";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastEndpointRegistry.class);

    private final HazelcastInstance hazelcast;
    /** This node's registrations, to put back after a merge. */
    private final Map<String, Map<String, Object>> own = new ConcurrentHashMap<>();
    /** All entries, kept current by the map listener once a path is watched. */
    private final Map<String, Map<String, Object>> entries = new ConcurrentHashMap<>();
    private final Map<String, List<Watch>> watches = new ConcurrentHashMap<>();
    private final List<Runnable> unlisten = new CopyOnWriteArrayList<>();
    private volatile boolean membershipStarted;
    private volatile boolean listening;

    public HazelcastEndpointRegistry(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public Registration register(String path, String address) {
        Paths.check(path);
        String node = localNodeId();
        ensureMembership();
        try {
            String key = path + "|" + node + "|" + address;
            long order = hazelcast.getAtomicLong(ORDER_COUNTER).incrementAndGet();
            Map<String, Object> value = new HashMap<>();
            value.put("path", path);
            value.put("node", node);
            value.put("address", address);
            value.put("order", order);
            map().set(key, value);
            own.put(key, value);
            if (listening) {
                entries.put(key, value);
                notifyWatchers(path);
            }
            LOG.info("CXF endpoint {} registered under {} (node {}, order {})", address, path, node, order);
            return () -> unregister(key);
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot register " + address + " under " + path + ": " + e, e);
        }
    }

    private void unregister(String key) {
        Map<String, Object> value = own.remove(key);
        if (value == null) {
            return;
        }
        if (listening) {
            entries.remove(key);
            notifyWatchers((String) value.get("path"));
        }
        try {
            map().delete(key);
            LOG.info("CXF endpoint {} removed from {}", value.get("address"), value.get("path"));
        } catch (RuntimeException e) {
            LOG.debug("CXF endpoint {} not removed from {} (cluster gone): {}", value.get("address"), value.get("path"), e.toString());
        }
    }

    @Override
    public List<String> addresses(String path) {
        Paths.check(path);
        try {
            return ordered(path, map().values());
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot read the cluster registry: " + e, e);
        }
    }

    @Override
    public Registration watch(String path, Consumer<List<String>> listener) {
        Paths.check(path);
        ensureMembership();
        ensureListening();
        Watch watch = new Watch(path, listener);
        watches.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(watch);
        watch.offer(ordered(path, entries.values()));
        return () -> watches.getOrDefault(path, List.of()).remove(watch);
    }

    @Override
    public boolean isAvailable() {
        try {
            if (!hazelcast.getLifecycleService().isRunning()) {
                return false;
            }
            map().size();
            return true;
        } catch (RuntimeException e) {
            LOG.debug("cluster registry not available: {}", e.toString());
            return false;
        }
    }

    /** Removes this node's entries and the listeners (the registry service goes away). */
    public void close() {
        new ArrayList<>(own.keySet()).forEach(this::unregister);
        unlisten.forEach(r -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.debug("listener already gone: {}", e.toString());
            }
        });
        unlisten.clear();
        listening = false;
        membershipStarted = false;
    }

    /** Removes every entry of a node; idempotent, any member may do it. */
    void pruneNode(String nodeId) {
        IMap<String, Map<String, Object>> map = map();
        int removed = 0;
        for (String key : new ArrayList<>(map.keySet())) {
            String[] parts = key.split("\\|", 3);
            if (parts.length == 3 && parts[1].equals(nodeId)) {
                map.delete(key);
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info("Cluster member {} left: its {} CXF endpoint(s) are removed from the registry", nodeId, removed);
        }
    }

    private synchronized void ensureMembership() {
        if (membershipStarted) {
            return;
        }
        try {
            String id = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
                @Override
                public void memberRemoved(MembershipEvent event) {
                    try {
                        pruneNode(nodeId(event.getMember()));
                    } catch (RuntimeException e) {
                        LOG.debug("pruning {} failed: {}", event.getMember(), e.toString());
                    }
                }

                @Override
                public void memberAdded(MembershipEvent event) {
                    restoreOwn();
                }
            });
            unlisten.add(() -> hazelcast.getCluster().removeMembershipListener(id));
            String lifecycle = hazelcast.getLifecycleService().addLifecycleListener(event -> {
                if (event.getState() == LifecycleEvent.LifecycleState.MERGED
                        || event.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
                    restoreOwn();
                    if (listening) {
                        reload();
                    }
                }
            });
            unlisten.add(() -> hazelcast.getLifecycleService().removeLifecycleListener(lifecycle));
            membershipStarted = true;
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot reach the cluster registry: " + e, e);
        }
    }

    private void restoreOwn() {
        try {
            IMap<String, Map<String, Object>> map = map();
            own.forEach((key, value) -> {
                if (map.putIfAbsent(key, value) == null) {
                    LOG.info("CXF endpoint {} registered again under {} after a cluster change", value.get("address"), value.get("path"));
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("restoring own registrations failed: {}", e.toString());
        }
    }

    private synchronized void ensureListening() {
        if (listening) {
            return;
        }
        try {
            IMap<String, Map<String, Object>> map = map();
            String id = map.addEntryListener(new Listener(), true);
            unlisten.add(() -> map.removeEntryListener(id));
            listening = true;
            reload();
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("Cannot read the cluster registry: " + e, e);
        }
    }

    private void reload() {
        Map<String, Map<String, Object>> now = new HashMap<>(map());
        entries.keySet().retainAll(now.keySet());
        entries.putAll(now);
        watches.keySet().forEach(this::notifyWatchers);
    }

    private void notifyWatchers(String path) {
        List<Watch> list = watches.get(path);
        if (list == null || list.isEmpty()) {
            return;
        }
        List<String> addresses = ordered(path, entries.values());
        list.forEach(w -> w.offer(addresses));
    }

    static List<String> ordered(String path, java.util.Collection<Map<String, Object>> values) {
        List<Map<String, Object>> matching = new ArrayList<>();
        for (Map<String, Object> v : values) {
            if (path.equals(v.get("path")) && v.get("address") instanceof String && v.get("order") instanceof Number) {
                matching.add(v);
            }
        }
        matching.sort(Comparator.comparingLong(v -> ((Number) v.get("order")).longValue()));
        LinkedHashSet<String> addresses = new LinkedHashSet<>();
        matching.forEach(v -> addresses.add((String) v.get("address")));
        return List.copyOf(addresses);
    }

    private IMap<String, Map<String, Object>> map() {
        return hazelcast.getMap(MAP);
    }

    /** This member's id as Cellar names it: "host:port" of its Hazelcast address. */
    String localNodeId() {
        try {
            return nodeId(hazelcast.getCluster().getLocalMember());
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("Only a cluster member can register CXF endpoints (this is a Hazelcast client)", e);
        }
    }

    static String nodeId(Member member) {
        InetSocketAddress socket = member.getSocketAddress();
        InetAddress address = socket.getAddress();
        String host = address != null && address.toString().startsWith("/") ? address.getHostAddress() : socket.getHostName();
        return host + ":" + socket.getPort();
    }

    /** The host other members reach this member on: a sensible host for the addresses it registers. */
    @Override
    public String localHost() {
        try {
            return localNodeId().substring(0, localNodeId().lastIndexOf(':'));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private final class Listener implements EntryAddedListener<String, Map<String, Object>>,
            EntryUpdatedListener<String, Map<String, Object>>, EntryRemovedListener<String, Map<String, Object>>,
            EntryEvictedListener<String, Map<String, Object>>, MapClearedListener {

        @Override
        public void entryAdded(EntryEvent<String, Map<String, Object>> event) {
            entries.put(event.getKey(), event.getValue());
            notifyWatchers(pathOf(event.getKey()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, Map<String, Object>> event) {
            entryAdded(event);
        }

        @Override
        public void entryRemoved(EntryEvent<String, Map<String, Object>> event) {
            entries.remove(event.getKey());
            notifyWatchers(pathOf(event.getKey()));
        }

        @Override
        public void entryEvicted(EntryEvent<String, Map<String, Object>> event) {
            entryRemoved(event);
        }

        @Override
        public void mapCleared(MapEvent event) {
            entries.clear();
            watches.keySet().forEach(HazelcastEndpointRegistry.this::notifyWatchers);
        }

        private String pathOf(String key) {
            int bar = key.indexOf('|');
            return bar < 0 ? key : key.substring(0, bar);
        }
    }

    /** One watcher; tells its listener only about real changes. */
    private static final class Watch {
        private final String path;
        private final Consumer<List<String>> listener;
        private List<String> last;

        Watch(String path, Consumer<List<String>> listener) {
            this.path = path;
            this.listener = listener;
        }

        synchronized void offer(List<String> addresses) {
            if (addresses.equals(last)) {
                return;
            }
            last = addresses;
            try {
                listener.accept(addresses);
            } catch (RuntimeException e) {
                LOG.warn("A watcher of {} failed: {}", path, e.toString());
            }
        }
    }
}
