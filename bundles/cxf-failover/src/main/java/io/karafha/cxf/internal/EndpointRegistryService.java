package io.karafha.cxf.internal;

import java.util.List;
import java.util.function.Consumer;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.EndpointRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The registry as an OSGi service, on Cellar's Hazelcast instance. */
@Component(name = "io.karafha.cxf.registry", service = EndpointRegistry.class)
public class EndpointRegistryService implements EndpointRegistry, ClusterHost {

    @Reference
    private HazelcastInstance hazelcast;

    private HazelcastEndpointRegistry registry;

    @Activate
    void activate() {
        registry = new HazelcastEndpointRegistry(hazelcast);
    }

    @Deactivate
    void deactivate() {
        registry.close();
    }

    @Override
    public Registration register(String path, String address) {
        return registry.register(path, address);
    }

    @Override
    public List<String> addresses(String path) {
        return registry.addresses(path);
    }

    @Override
    public Registration watch(String path, Consumer<List<String>> listener) {
        return registry.watch(path, listener);
    }

    @Override
    public boolean isAvailable() {
        return registry.isAvailable();
    }

    @Override
    public String localHost() {
        return registry.localHost();
    }
}
