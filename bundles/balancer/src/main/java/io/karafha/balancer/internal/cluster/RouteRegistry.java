package io.karafha.balancer.internal.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.Member;
import com.hazelcast.core.MembershipAdapter;
import com.hazelcast.core.MembershipEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.karafha.balancer.Endpoint;
import io.karafha.balancer.Route;
import org.apache.karaf.cellar.core.ClusterManager;
import org.apache.karaf.cellar.core.Group;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide route registry: per Cellar group, a Hazelcast map {@code io.karafha.routes.<group>}
 * with one entry per path and node ({@code "<path>|<nodeId>"} -> path, node, url, order). Each node
 * writes only its own entries, so no two nodes ever race on one key. {@code order} comes from a
 * cluster-wide counter: a node that registers again (after a restart) goes to the end of the list.
 * When a member leaves the cluster (crash, kill -9, partition) every node prunes its entries.
 */
@Component(service = RouteRegistry.class, immediate = true)
public class RouteRegistry {

    static final String MAP_PREFIX = "io.karafha.routes.";
    static final String ORDER_COUNTER = "io.karafha.routes.order";
    /** node id -> karaf.name of every running member that has this bundle, so people see "karaf1". */
    static final String NODE_NAMES = "io.karafha.nodes";
    private static final Logger LOG = LoggerFactory.getLogger(RouteRegistry.class);

    /** Told when the registry changed without a route event: a member left or joined. */
    public interface Listener {
        default void nodeLeft(String nodeId) {
        }

        default void nodeJoined(String nodeId) {
        }

        /** This node was cut off from the cluster and has just been merged back (a partition healed). */
        default void merged() {
        }
    }

    @Reference
    private ClusterManager clusterManager;
    @Reference
    private HazelcastInstance hazelcast;

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> knownNames = new java.util.concurrent.ConcurrentHashMap<>();
    private String namesRegistration;
    private String membershipRegistration;
    private String lifecycleRegistration;

    @Activate
    void activate() {
        try {
            IMap<String, String> names = hazelcast.getMap(NODE_NAMES);
            namesRegistration = names.addEntryListener(new NameListener(), true);
            names.set(localNodeId(), System.getProperty("karaf.name", localNodeId()));
            knownNames.putAll(names);
        } catch (RuntimeException e) {
            LOG.warn("This node's name could not be written to the cluster: {}", e.toString());
        }
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
            @Override
            public void memberRemoved(MembershipEvent event) {
                String nodeId = nodeId(event.getMember());
                LOG.info("Cluster member {} left: its routes are removed", nodeId);
                pruneNode(nodeId);
                hazelcast.getMap(NODE_NAMES).delete(nodeId);
                knownNames.remove(nodeId);
                listeners.forEach(l -> l.nodeLeft(nodeId));
            }

            @Override
            public void memberAdded(MembershipEvent event) {
                String nodeId = nodeId(event.getMember());
                listeners.forEach(l -> l.nodeJoined(nodeId));
            }
        });
        // A healed partition: the others pruned this node, and the merge drops its old entries
        // (DiscardMergePolicy in hazelcast.xml): say who it is again, and let the publisher register
        // its routes again, at the end of the order.
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("Cluster partition healed: this node ({}) registers its routes again, after the others", localNodeId());
                try {
                    hazelcast.getMap(NODE_NAMES).set(localNodeId(), System.getProperty("karaf.name", localNodeId()));
                    knownNames.putAll(hazelcast.<String, String>getMap(NODE_NAMES));
                } catch (RuntimeException e) {
                    LOG.warn("This node's name could not be written to the cluster: {}", e.toString());
                }
                listeners.forEach(Listener::merged);
            }
        });
    }

    /** Keeps {@link #knownNames} in step with the cluster map. */
    private final class NameListener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {
        @Override
        public void entryAdded(com.hazelcast.core.EntryEvent<String, String> e) {
            knownNames.put(e.getKey(), e.getValue());
        }

        @Override
        public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> e) {
            knownNames.put(e.getKey(), e.getValue());
        }

        @Override
        public void entryRemoved(com.hazelcast.core.EntryEvent<String, String> e) {
            knownNames.remove(e.getKey());
        }
    }

    @Deactivate
    void deactivate() {
        try {
            if (namesRegistration != null) {
                hazelcast.getMap(NODE_NAMES).removeEntryListener(namesRegistration);
            }
        } catch (RuntimeException e) {
            LOG.debug("name listener already gone", e);
        }
        try {
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        } catch (RuntimeException e) {
            LOG.debug("lifecycle listener already gone", e);
        }
        try {
            hazelcast.getCluster().removeMembershipListener(membershipRegistration);
        } catch (RuntimeException e) {
            LOG.debug("membership listener already gone", e);
        }
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    public String localNodeId() {
        return clusterManager.getNode().getId();
    }

    /**
     * @return node id -> Karaf name (karaf.name) of the members that told theirs, from a local copy
     *         kept by map events: never waits on the cluster, even while a member hangs
     */
    public Map<String, String> nodeNames() {
        return new TreeMap<>(knownNames);
    }

    /** @return the Hazelcast member ids ("host:port"), this node's first */
    public List<String> memberIds() {
        List<String> ids = new ArrayList<>();
        ids.add(localNodeId());
        for (Member m : hazelcast.getCluster().getMembers()) {
            String id = nodeId(m);
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Registers (or registers again, at the end) this node as an endpoint of the path. */
    public Endpoint publish(Group group, String path, String url) {
        long order = hazelcast.getAtomicLong(ORDER_COUNTER).incrementAndGet();
        Endpoint endpoint = Endpoint.of(localNodeId(), url, order);
        Map<String, Object> value = new HashMap<>();
        value.put("path", path);
        value.put("node", endpoint.getNodeId());
        value.put("url", endpoint.getUrl().toString());
        value.put("order", order);
        map(group).set(key(path, endpoint.getNodeId()), value);
        return endpoint;
    }

    public void unpublish(Group group, String path) {
        map(group).delete(key(path, localNodeId()));
    }

    /** Removes every entry of a node; idempotent, any member may do it. */
    public void pruneNode(String nodeId) {
        for (String name : groupMapNames()) {
            IMap<String, Map<String, Object>> map = hazelcast.getMap(name);
            for (String key : new ArrayList<>(map.keySet())) {
                if (key.endsWith("|" + nodeId)) {
                    map.delete(key);
                }
            }
        }
    }

    /** Paths this node has registered in the group. */
    public List<String> localPaths(Group group) {
        List<String> paths = new ArrayList<>();
        String suffix = "|" + localNodeId();
        for (String key : map(group).keySet()) {
            if (key.endsWith(suffix)) {
                paths.add(key.substring(0, key.length() - suffix.length()));
            }
        }
        return paths;
    }

    /** Every route of the group, endpoints in registration order. */
    public Map<String, Route> routes(Group group) {
        Map<String, Route> routes = new TreeMap<>();
        for (Map<String, Object> value : map(group).values()) {
            String path = (String) value.get("path");
            try {
                Endpoint e = Endpoint.of((String) value.get("node"), (String) value.get("url"), ((Number) value.get("order")).longValue());
                routes.put(path, routes.getOrDefault(path, Route.empty(path)).withEndpoint(e));
            } catch (IllegalArgumentException bad) {
                LOG.warn("Route {} has an endpoint that cannot be used: {}", path, bad.getMessage());
            }
        }
        return routes;
    }

    private IMap<String, Map<String, Object>> map(Group group) {
        return hazelcast.getMap(MAP_PREFIX + group.getName());
    }

    private List<String> groupMapNames() {
        List<String> names = new ArrayList<>();
        hazelcast.getDistributedObjects().forEach(o -> {
            if (o.getName().startsWith(MAP_PREFIX) && o instanceof IMap) {
                names.add(o.getName());
            }
        });
        return names;
    }

    static String key(String path, String nodeId) {
        return path + "|" + nodeId;
    }

    /** The id Cellar gives a member: "host:port" of its Hazelcast address. */
    static String nodeId(Member member) {
        InetSocketAddress socket = member.getSocketAddress();
        InetAddress address = socket.getAddress();
        String host = address != null && address.toString().startsWith("/") ? address.getHostAddress() : socket.getHostName();
        return host + ":" + socket.getPort();
    }
}
