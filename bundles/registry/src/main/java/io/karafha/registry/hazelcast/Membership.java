package io.karafha.registry.hazelcast;

import java.util.List;

import com.hazelcast.core.MembershipAdapter;
import com.hazelcast.core.MembershipEvent;
import io.karafha.registry.RegistryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A member that leaves has its endpoints pruned everywhere; a member that joins is told to the listeners. */
final class Membership extends MembershipAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final HazelcastEndpointRegistry registry;
    private final NodeDirectory nodes;
    private final List<RegistryListener> listeners;

    Membership(HazelcastEndpointRegistry registry, NodeDirectory nodes, List<RegistryListener> listeners) {
        this.registry = registry;
        this.nodes = nodes;
        this.listeners = listeners;
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String nodeId = Entries.nodeId(event.getMember());
        try {
            int removed = registry.pruneNode(nodeId);
            LOG.info("Cluster member {} left: its {} endpoint(s) are removed from the registry", nodeId, removed);
        } catch (RuntimeException e) {
            LOG.warn("Cluster member {} left, but its endpoints could not be removed now: {}", nodeId, e.toString());
        }
        nodes.forget(nodeId);
        listeners.forEach(l -> l.nodeLeft(nodeId));
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        registry.restoreOwn();
        String nodeId = Entries.nodeId(event.getMember());
        listeners.forEach(l -> l.nodeJoined(nodeId));
    }
}
