package io.karafha.registry.internal;

import java.util.Dictionary;
import java.util.Hashtable;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.hazelcast.HazelcastEndpointRegistry;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the registry as the OSGi service {@link EndpointRegistry}, on Cellar's Hazelcast
 * instance, and writes this node's karaf.name into it. Going away, it removes this node's entries.
 */
@Component(name = "io.karafha.registry", immediate = true)
public class RegistryComponent {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryComponent.class);

    @Reference
    private HazelcastInstance hazelcast;

    private HazelcastEndpointRegistry registry;
    private ServiceRegistration<EndpointRegistry> registration;

    @Activate
    void activate(BundleContext context) {
        registry = new HazelcastEndpointRegistry(hazelcast);
        try {
            registry.announce(System.getProperty("karaf.name", registry.localNodeId()));
        } catch (RuntimeException e) {
            LOG.warn("The endpoint registry could not reach the cluster yet: {}", e.toString());
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("component.name", "io.karafha.registry");
        registration = context.registerService(EndpointRegistry.class, registry, props);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException gone) {
            LOG.debug("registry service already unregistered");
        }
        registry.close();
    }
}
