package io.karafha.registry.hazelcast;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.karafha.registry.RegistryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry knows of the nodes themselves: their Karaf names ({@code io.karafha.nodes})
 * and which are draining ({@code io.karafha.draining}), each kept in a local copy by map events, so
 * reading never waits on the cluster, even while a member hangs.
 */
final class NodeDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);

    private final HazelcastInstance hazelcast;
    private final List<RegistryListener> listeners;
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Set<String> draining = ConcurrentHashMap.newKeySet();
    private volatile String ownName;

    NodeDirectory(HazelcastInstance hazelcast, List<RegistryListener> listeners) {
        this.hazelcast = hazelcast;
        this.listeners = listeners;
    }

    /** @return what removes the listeners again */
    Runnable listen() {
        IMap<String, String> nameMap = hazelcast.getMap(HazelcastEndpointRegistry.NODE_NAMES);
        IMap<String, Long> drainMap = hazelcast.getMap(HazelcastEndpointRegistry.DRAINING);
        String n = nameMap.addEntryListener(new Mirror<>(names::put, names::remove), true);
        String d = drainMap.addEntryListener(new Mirror<Long>((node, since) -> changed(node, true), node -> changed(node, false)), true);
        names.putAll(nameMap);
        draining.addAll(drainMap.keySet());
        return () -> {
            nameMap.removeEntryListener(n);
            drainMap.removeEntryListener(d);
        };
    }

    private void changed(String node, boolean nowDraining) {
        if (nowDraining ? draining.add(node) : draining.remove(node)) {
            listeners.forEach(l -> l.drainingChanged(node, nowDraining));
        }
    }

    void announce(String nodeId, String name) {
        ownName = name;
        announceAgain(nodeId);
    }

    void announceAgain(String nodeId) {
        String name = ownName;
        if (name == null) {
            return;
        }
        try {
            hazelcast.<String, String>getMap(HazelcastEndpointRegistry.NODE_NAMES).set(nodeId, name);
            names.put(nodeId, name);
        } catch (RuntimeException e) {
            LOG.warn("This node's name could not be written to the cluster: {}", e.toString());
        }
    }

    void setDraining(String nodeId, boolean nowDraining) {
        IMap<String, Long> map = hazelcast.getMap(HazelcastEndpointRegistry.DRAINING);
        clearAcknowledgements(nodeId);
        if (nowDraining) {
            map.set(nodeId, System.currentTimeMillis());
        } else {
            map.delete(nodeId);
        }
        changed(nodeId, nowDraining);
    }

    void acknowledge(String drainingNodeId, String byNodeId) {
        hazelcast.<String, Long>getMap(HazelcastEndpointRegistry.DRAIN_ACKS).set(drainingNodeId + "|" + byNodeId, System.currentTimeMillis());
    }

    Set<String> acknowledgements(String drainingNodeId) {
        Set<String> by = new TreeSet<>();
        String prefix = drainingNodeId + "|";
        for (String key : hazelcast.<String, Long>getMap(HazelcastEndpointRegistry.DRAIN_ACKS).keySet()) {
            if (key.startsWith(prefix)) {
                by.add(key.substring(prefix.length()));
            }
        }
        return by;
    }

    private void clearAcknowledgements(String nodeId) {
        IMap<String, Long> acks = hazelcast.getMap(HazelcastEndpointRegistry.DRAIN_ACKS);
        for (String key : acks.keySet()) {
            if (key.startsWith(nodeId + "|") || key.endsWith("|" + nodeId)) {
                acks.delete(key);
            }
        }
    }

    /** A member left: forget its name and its draining mark (in the cluster too; idempotent). */
    void forget(String nodeId) {
        try {
            clearAcknowledgements(nodeId);
            hazelcast.getMap(HazelcastEndpointRegistry.NODE_NAMES).delete(nodeId);
            hazelcast.getMap(HazelcastEndpointRegistry.DRAINING).delete(nodeId);
        } catch (RuntimeException e) {
            LOG.debug("could not forget {}: {}", nodeId, e.toString());
        }
        names.remove(nodeId);
        changed(nodeId, false);
    }

    Map<String, String> names() {
        return new TreeMap<>(names);
    }

    Set<String> draining() {
        return new TreeSet<>(draining);
    }

    /** Mirrors a map's entries into two callbacks. */
    private static final class Mirror<V> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
            EntryRemovedListener<String, V> {
        private final java.util.function.BiConsumer<String, V> put;
        private final java.util.function.Consumer<String> remove;

        Mirror(java.util.function.BiConsumer<String, V> put, java.util.function.Consumer<String> remove) {
            this.put = put;
            this.remove = remove;
        }

        @Override
        public void entryAdded(EntryEvent<String, V> e) {
            put.accept(e.getKey(), e.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, V> e) {
            put.accept(e.getKey(), e.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, V> e) {
            remove.accept(e.getKey());
        }
    }
}
