package io.karafha.cxf.demo;

import io.karafha.cxf.ClusterServerListenerFeature;
import io.karafha.registry.EndpointRegistry;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.DestinationFactoryManager;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes Foo under the CXF servlet of this node (/cxf/Foo) with the cluster server feature, so
 * its absolute address is registered under {@code demo/fo}. Runs only where configuration
 * {@code io.karafha.cxf.demo} exists: feature ha-cxf-demo (the backends) installs it, feature
 * ha-cxf-demo-client (the balancer) does not.
 */
@Component(name = "io.karafha.cxf.demo", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = {})
@Designate(ocd = FooServer.Config.class)
public class FooServer {

    @ObjectClassDefinition(name = "Karaf HA CXF failover demo", description = "The Foo web service, registered in the cluster registry")
    public @interface Config {
        @AttributeDefinition(description = "Registry path the endpoint registers under")
        String path() default "demo/fo";

        @AttributeDefinition(description = "Address under the CXF servlet")
        String address() default "/Foo";

        @AttributeDefinition(description = "How other nodes reach this node's CXF servlet, e.g. http://10.0.0.5:8181/cxf; empty: derived", required = false)
        String baseAddress() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(FooServer.class);

    @Reference
    private EndpointRegistry registry;
    /** The CXF servlet's transport (/cxf under Pax Web), registered by cxf-rt-transports-http. */
    @Reference
    private HTTPTransportFactory servletTransport;

    private Bus bus;
    private Server server;

    @Activate
    void activate(Config config) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(FooServer.class.getClassLoader());
        try {
            bus = BusFactory.newInstance().createBus();
            // relative addresses go to the CXF servlet: its transport for this bus's HTTP namespaces
            DestinationFactoryManager destinations = bus.getExtension(DestinationFactoryManager.class);
            for (String ns : servletTransport.getTransportIds()) {
                destinations.registerDestinationFactory(ns, servletTransport);
            }
            ClusterServerListenerFeature cluster = new ClusterServerListenerFeature(registry, config.path());
            cluster.setBaseAddress(config.baseAddress().isBlank() ? null : config.baseAddress());
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(Foo.class);
            factory.setServiceBean(new FooImpl(FooImpl.localNodeName()));
            factory.setAddress(config.address());
            factory.getFeatures().add(cluster);
            server = factory.create();
            LOG.info("Foo published at {} on {}, registry path {}", config.address(), FooImpl.localNodeName(), config.path());
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.destroy();
        }
        if (bus != null) {
            bus.shutdown(true);
        }
    }
}
