package io.karafha.cxf;

import io.karafha.cxf.internal.Paths;
import io.karafha.cxf.internal.Registries;
import io.karafha.cxf.internal.ServerAddresses;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.Registration;
import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.endpoint.ServerLifeCycleListener;
import org.apache.cxf.endpoint.ServerLifeCycleManager;
import org.apache.cxf.feature.AbstractFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of the cluster failover: while a CXF server endpoint with this feature runs, its
 * absolute address is registered under {@link #setPath path} in the cluster registry. Starting
 * (again) appends it at the end of the list; stopping removes it; a node that leaves the cluster
 * has its addresses removed by the other members.
 *
 * <p>A relative endpoint address (the CXF servlet, {@code /Foo}) is made absolute with
 * {@link #setBaseAddress baseAddress}, or system property {@code karaf.ha.cxf.base.address}, or
 * {@code http://<cluster address of this node>:<karaf.ha.http.port>/cxf}.
 */
public class ClusterServerListenerFeature extends AbstractFeature {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterServerListenerFeature.class);

    private EndpointRegistry registry;
    private String path;
    private String baseAddress;
    private long maximumConnectionTimeout = ClusterFailoverFeature.DEFAULT_MAXIMUM_CONNECTION_TIMEOUT;
    private long connectionRetryTime = ClusterFailoverFeature.DEFAULT_CONNECTION_RETRY_TIME;

    public ClusterServerListenerFeature() {
    }

    public ClusterServerListenerFeature(EndpointRegistry registry, String path) {
        this.registry = registry;
        this.path = path;
    }

    @Override
    public void initialize(Server server, Bus bus) {
        try {
            Paths.check(path);
        } catch (IllegalArgumentException e) {
            LOG.error("CXF cluster server feature not initialised: {}", e.getMessage());
            throw e;
        }
        EndpointRegistry r;
        try {
            r = Registries.await(registry, maximumConnectionTimeout, connectionRetryTime, "CXF server of " + path);
        } catch (RuntimeException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
        String address = ServerAddresses.absolute(server.getEndpoint().getEndpointInfo().getAddress(), baseAddress,
                Paths.localHost(r));
        Registrar registrar = new Registrar(server, r, address);
        ServerLifeCycleManager manager = bus.getExtension(ServerLifeCycleManager.class);
        if (manager == null) {
            throw new IllegalStateException("The CXF bus has no ServerLifeCycleManager: cannot follow the server of " + path);
        }
        manager.registerListener(registrar);
        if (server.isStarted()) {
            registrar.startServer(server);
        }
    }

    /** Registers the one server's address while it runs. */
    private final class Registrar implements ServerLifeCycleListener {
        private final Server server;
        private final EndpointRegistry registry;
        private final String address;
        private Registration registration;

        Registrar(Server server, EndpointRegistry registry, String address) {
            this.server = server;
            this.registry = registry;
            this.address = address;
        }

        @Override
        public synchronized void startServer(Server started) {
            if (started != server || registration != null) {
                return;
            }
            try {
                registration = registry.register(Paths.SPACE, path, address);
                LOG.info("CXF endpoint {} registered under {} (node {})", address, path, registry.localNodeId());
            } catch (RuntimeException e) {
                LOG.error("CXF endpoint {} could not be registered under {}: {}", address, path, e.getMessage());
            }
        }

        @Override
        public synchronized void stopServer(Server stopped) {
            if (stopped != server || registration == null) {
                return;
            }
            registration.close();
            registration = null;
        }
    }

    public EndpointRegistry getRegistry() {
        return registry;
    }

    /** The cluster registry; optional in OSGi, where the registry service is used. */
    public void setRegistry(EndpointRegistry registry) {
        this.registry = registry;
    }

    public String getPath() {
        return path;
    }

    /** The registry path to register under, e.g. {@code demo/fo}. Required. */
    public void setPath(String path) {
        this.path = path;
    }

    public String getBaseAddress() {
        return baseAddress;
    }

    /** How other nodes reach this node's CXF servlet, e.g. {@code http://10.0.0.5:8181/cxf} (optional). */
    public void setBaseAddress(String baseAddress) {
        this.baseAddress = baseAddress;
    }

    public long getMaximumConnectionTimeout() {
        return maximumConnectionTimeout;
    }

    public void setMaximumConnectionTimeout(long maximumConnectionTimeout) {
        this.maximumConnectionTimeout = maximumConnectionTimeout;
    }

    public long getConnectionRetryTime() {
        return connectionRetryTime;
    }

    public void setConnectionRetryTime(long connectionRetryTime) {
        this.connectionRetryTime = connectionRetryTime;
    }
}
