package io.karafha.registry;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cluster registry of ordered endpoints, the Fabric failover model: in each <em>space</em>
 * (the balancer's routes of one Cellar group, {@code routes.web}; the CXF endpoints, {@code cxf})
 * every <em>path</em> has a list of endpoints in registration order. The first is the master.
 * A node that registers again goes to the end; the endpoints of a member that leaves the cluster
 * (crash, kill -9, partition) are removed; after a healed partition a node registers its
 * endpoints again, at the end.
 *
 * <p>Each node writes only its own entries, so no two nodes race on one key. In Karaf the
 * registry is the OSGi service of bundle {@code io.karafha.registry}, on Cellar's Hazelcast
 * instance; outside Karaf, {@code new io.karafha.registry.hazelcast.HazelcastEndpointRegistry(hz)}
 * reads the same registry through any member or client of the cluster.
 */
public interface EndpointRegistry {

    /**
     * Registers this node's address under a path, after every endpoint already there. Registering
     * an address again moves it to the end.
     *
     * @throws RegistryUnavailableException if the cluster cannot be reached
     * @throws IllegalStateException        on a Hazelcast client, which is no cluster member
     */
    Registration register(String space, String path, String address);

    /** Removes every endpoint this node has under the path (also those of an earlier run of it). */
    void withdraw(String space, String path);

    /** @return the path's endpoints, in registration order (empty if none) */
    List<RegisteredEndpoint> endpoints(String space, String path);

    /** @return the addresses under the path, in registration order, each once */
    List<String> addresses(String space, String path);

    /** @return every path of the space with its endpoints in registration order, paths sorted */
    Map<String, List<RegisteredEndpoint>> endpoints(String space);

    /** @return the paths under which this node has endpoints in the space */
    List<String> localPaths(String space);

    /**
     * Calls the listener with the path's endpoints now and after every change, until the
     * returned handle is closed. The list is read from a local copy kept current by map events.
     */
    Registration watch(String space, String path, Consumer<List<RegisteredEndpoint>> listener);

    /**
     * Marks every endpoint of this node draining (true) or live again (false): consumers send
     * no new request to a draining node. Cleared when the node leaves the cluster.
     */
    void setDraining(boolean draining);

    /** @return the ids of the nodes that are draining now */
    Set<String> drainingNodes();

    /**
     * Tells a draining node that this node sends it no new request and has none in flight to it:
     * what a balancer says once it has taken the node out.
     */
    void acknowledgeDrain(String drainingNodeId);

    /** @return the ids of the nodes that acknowledged the current drain of the node */
    Set<String> drainAcknowledgements(String drainingNodeId);

    /** @return this node's id, "host:port" of its Hazelcast address, as Cellar names it */
    String localNodeId();

    /** @return node id -> Karaf name (karaf.name) of the members that told theirs */
    Map<String, String> nodeNames();

    /** @return the ids of the cluster's members, this node's first */
    List<String> memberIds();

    /** @return true when the registry can be read and written now */
    boolean isAvailable();

    void addListener(RegistryListener listener);

    void removeListener(RegistryListener listener);
}
