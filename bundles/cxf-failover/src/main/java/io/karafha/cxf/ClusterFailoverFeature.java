package io.karafha.cxf;

import io.karafha.cxf.internal.ClusterTargetSelector;
import io.karafha.cxf.internal.FailureRules;
import io.karafha.cxf.internal.Paths;
import io.karafha.cxf.internal.Registries;
import io.karafha.registry.EndpointRegistry;
import org.apache.cxf.Bus;
import org.apache.cxf.clustering.FailoverFeature;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.ConduitSelectorHolder;
import org.apache.cxf.endpoint.Endpoint;
import org.apache.cxf.interceptor.InterceptorProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-side failover over the cluster registry, the Fabric failover model: the client calls the
 * first address registered under {@link #setPath path} (the master); when a call fails with one of
 * the {@link #setExceptions exceptions} it moves to the next address; a restarted server registers
 * again at the end of the list. Changes in the registry are followed while the client lives.
 *
 * <p>Blueprint: a {@code <bean class="io.karafha.cxf.ClusterFailoverFeature">} with {@code path}
 * in the client's {@code <jaxws:features>}; without a {@code registry} property the feature uses
 * the registry OSGi service of bundle io.karafha.cxf, waiting for it at most
 * {@code maximumConnectionTimeout} ms. Java: {@code factory.getFeatures().add(feature)}.
 *
 * <p>Each client proxy gets its own failover state; like CXF's FailoverFeature, a proxy with this
 * feature should not be used by several threads at once.
 */
public class ClusterFailoverFeature extends FailoverFeature {

    public static final long DEFAULT_MAXIMUM_CONNECTION_TIMEOUT = 10_000;
    public static final long DEFAULT_CONNECTION_RETRY_TIME = 100;
    public static final long DEFAULT_RETRY_INTERVAL = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverFeature.class);

    private EndpointRegistry registry;
    private String path;
    private long maximumConnectionTimeout = DEFAULT_MAXIMUM_CONNECTION_TIMEOUT;
    private long connectionRetryTime = DEFAULT_CONNECTION_RETRY_TIME;
    private String exceptions = FailureRules.DEFAULT_EXCEPTIONS;
    private long retryInterval = DEFAULT_RETRY_INTERVAL;
    private boolean replayAfterSend;

    public ClusterFailoverFeature() {
    }

    public ClusterFailoverFeature(EndpointRegistry registry, String path) {
        this.registry = registry;
        this.path = path;
    }

    @Override
    public void initialize(Client client, Bus bus) {
        client.setConduitSelector(createSelector(client.getConduitSelector().getEndpoint(), bus));
    }

    @Override
    public void initialize(InterceptorProvider provider, Bus bus) {
        if (provider instanceof ConduitSelectorHolder) {
            ConduitSelectorHolder holder = (ConduitSelectorHolder) provider;
            holder.setConduitSelector(createSelector(holder.getConduitSelector().getEndpoint(), bus));
        }
    }

    /** A new selector following the path: checks the settings, waits for the registry. */
    public ClusterTargetSelector createSelector(Endpoint endpoint, Bus bus) {
        FailureRules rules;
        try {
            Paths.check(path);
            if (maximumConnectionTimeout < 0 || connectionRetryTime < 1 || retryInterval < 0) {
                throw new IllegalArgumentException("maximumConnectionTimeout (" + maximumConnectionTimeout + ") and retryInterval ("
                        + retryInterval + ") must be >= 0 ms, connectionRetryTime (" + connectionRetryTime + ") >= 1 ms");
            }
            rules = FailureRules.parse(exceptions, Thread.currentThread().getContextClassLoader(),
                    bus == null ? null : bus.getExtension(ClassLoader.class));
        } catch (IllegalArgumentException e) {
            LOG.error("CXF cluster failover feature not initialised: {}", e.getMessage());
            throw e;
        }
        String what = "CXF failover client of " + path;
        EndpointRegistry r;
        try {
            r = Registries.await(registry, maximumConnectionTimeout, connectionRetryTime, what);
        } catch (RuntimeException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
        ClusterTargetSelector selector = new ClusterTargetSelector(path, retryInterval, rules, replayAfterSend);
        selector.setEndpoint(endpoint);
        selector.follow(r);
        LOG.info("{}: endpoints {}, exceptions {}, retryInterval {} ms, replayAfterSend {}", what,
                selector.book().registered(), rules.names(), retryInterval, replayAfterSend);
        return selector;
    }

    /** @return the addresses a client with this feature follows, master first (empty for another client) */
    public static java.util.List<String> endpoints(Client client) {
        return client.getConduitSelector() instanceof ClusterTargetSelector
                ? ((ClusterTargetSelector) client.getConduitSelector()).book().candidates(System.currentTimeMillis())
                : java.util.List.of();
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

    /** The registry path the servers register under, e.g. {@code demo/fo}. Required. */
    public void setPath(String path) {
        this.path = path;
    }

    public long getMaximumConnectionTimeout() {
        return maximumConnectionTimeout;
    }

    /** How long the client waits for the cluster registry when it is created, in ms (10000). */
    public void setMaximumConnectionTimeout(long maximumConnectionTimeout) {
        this.maximumConnectionTimeout = maximumConnectionTimeout;
    }

    public long getConnectionRetryTime() {
        return connectionRetryTime;
    }

    /** The pause between attempts to reach the registry, in ms (100). */
    public void setConnectionRetryTime(long connectionRetryTime) {
        this.connectionRetryTime = connectionRetryTime;
    }

    public String getExceptions() {
        return exceptions;
    }

    /**
     * Semicolon-separated exception classes that mean "the server failed", matched against every
     * cause of a failed call (subclasses included). A name that cannot be loaded fails the client's
     * creation with an error naming it.
     */
    public void setExceptions(String exceptions) {
        this.exceptions = exceptions;
    }

    public long getRetryInterval() {
        return retryInterval;
    }

    /** A failed address is not tried again for this long, in ms (10000); then only after the others. */
    public void setRetryInterval(long retryInterval) {
        this.retryInterval = retryInterval;
    }

    public boolean isReplayAfterSend() {
        return replayAfterSend;
    }

    /**
     * Replay a call on the next address also when it failed after the request was sent (read
     * timeout, connection reset): the first server may have executed it. Default false: such a
     * call fails, and the next calls go to the next address.
     */
    public void setReplayAfterSend(boolean replayAfterSend) {
        this.replayAfterSend = replayAfterSend;
    }
}
