package io.karafha.registry.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegisteredEndpoint;
import io.karafha.registry.Registration;
import io.karafha.registry.RegistryListener;
import io.karafha.registry.hazelcast.HazelcastEndpointRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry as an OSGi service, on Cellar's Hazelcast instance; writes this node's karaf.name. */
@Component(name = "io.karafha.registry", service = EndpointRegistry.class, immediate = true)
public class RegistryComponent implements EndpointRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryComponent.class);

    @Reference
    private HazelcastInstance hazelcast;

    private HazelcastEndpointRegistry registry;

    @Activate
    void activate() {
        registry = new HazelcastEndpointRegistry(hazelcast);
        try {
            registry.announce(System.getProperty("karaf.name", registry.localNodeId()));
        } catch (RuntimeException e) {
            LOG.warn("The endpoint registry could not reach the cluster yet: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        registry.close();
    }

    @Override
    public Registration register(String space, String path, String address) {
        return registry.register(space, path, address);
    }

    @Override
    public void withdraw(String space, String path) {
        registry.withdraw(space, path);
    }

    @Override
    public List<RegisteredEndpoint> endpoints(String space, String path) {
        return registry.endpoints(space, path);
    }

    @Override
    public List<String> addresses(String space, String path) {
        return registry.addresses(space, path);
    }

    @Override
    public Map<String, List<RegisteredEndpoint>> endpoints(String space) {
        return registry.endpoints(space);
    }

    @Override
    public List<String> localPaths(String space) {
        return registry.localPaths(space);
    }

    @Override
    public Registration watch(String space, String path, Consumer<List<RegisteredEndpoint>> listener) {
        return registry.watch(space, path, listener);
    }

    @Override
    public void setDraining(boolean draining) {
        registry.setDraining(draining);
    }

    @Override
    public void acknowledgeDrain(String drainingNodeId) {
        registry.acknowledgeDrain(drainingNodeId);
    }

    @Override
    public Set<String> drainAcknowledgements(String drainingNodeId) {
        return registry.drainAcknowledgements(drainingNodeId);
    }

    @Override
    public Set<String> drainingNodes() {
        return registry.drainingNodes();
    }

    @Override
    public String localNodeId() {
        return registry.localNodeId();
    }

    @Override
    public Map<String, String> nodeNames() {
        return registry.nodeNames();
    }

    @Override
    public List<String> memberIds() {
        return registry.memberIds();
    }

    @Override
    public boolean isAvailable() {
        return registry.isAvailable();
    }

    @Override
    public void addListener(RegistryListener listener) {
        registry.addListener(listener);
    }

    @Override
    public void removeListener(RegistryListener listener) {
        registry.removeListener(listener);
    }
}
