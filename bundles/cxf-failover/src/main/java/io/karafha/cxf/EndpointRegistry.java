package io.karafha.cxf;

import java.util.List;
import java.util.function.Consumer;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.internal.HazelcastEndpointRegistry;

/**
 * The cluster registry of CXF endpoint addresses: per path (such as {@code demo/fo}) an ordered
 * list of absolute addresses, in registration order. The first is the master. A node that
 * registers again goes to the end; a node that leaves the cluster has its addresses removed.
 *
 * <p>In Karaf the registry is an OSGi service of bundle {@code io.karafha.cxf}, backed by Cellar's
 * Hazelcast instance. Outside Karaf, {@link #hazelcast(HazelcastInstance)} reads the same registry
 * through any Hazelcast 3.12 member or client of the cluster.
 */
public interface EndpointRegistry {

    /** A registration; {@link #close()} removes the address again. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers an address under a path, after every address already there. Registering an
     * address this node registered before moves it to the end.
     *
     * @throws RegistryUnavailableException if the cluster cannot be reached
     */
    Registration register(String path, String address);

    /** @return the addresses under the path, in registration order (empty if none) */
    List<String> addresses(String path);

    /**
     * Calls the listener with the path's addresses now and after every change, until the returned
     * handle is closed.
     */
    Registration watch(String path, Consumer<List<String>> listener);

    /** @return true when the registry can be read and written now */
    boolean isAvailable();

    /** The registry in a cluster reached through this Hazelcast member or client. */
    static EndpointRegistry hazelcast(HazelcastInstance hazelcast) {
        return new HazelcastEndpointRegistry(hazelcast);
    }
}
