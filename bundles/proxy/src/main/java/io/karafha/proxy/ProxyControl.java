package io.karafha.proxy;

import java.util.List;
import java.util.Map;

import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.routes.settings.InvalidSettingsException;

/**
 * What the operations bundle reads from the failover proxy of this node and does to it: the routes
 * it proxies with their endpoints in local order, counters, drain and restore, and the proxy's
 * settings. Registered once etc/io.karafha.balancer.cfg is read, on a backend too ({@code proxy = false}).
 */
public interface ProxyControl {

    /** @return true if this node proxies the cluster's routes ({@code proxy = true}) */
    boolean isProxy();

    /** @return the settings in force (the last good ones) */
    BalancerSettings settings();

    /** @return the session affinity keys (docs/sessions.md) with their defaults, in the documented order */
    Map<String, String> stickyDefaults();

    /**
     * Checks the proxy's keys of a configuration with the rules of etc/io.karafha.balancer.cfg.
     *
     * @throws InvalidSettingsException naming the key, the value and what is expected
     */
    void check(Map<String, Object> config) throws InvalidSettingsException;

    /** @return one line on the WebSockets through this balancer since it started */
    String websockets();

    /** @return every route this node proxies, sorted by path, each one snapshot of its endpoint table */
    List<ProxiedRoute> routes(long nowMillis);

    /** @return the requests, failures and failovers of a route since the balancer started */
    RequestCount count(String path);

    /** @return the requests, failures and failovers of one endpoint of a route */
    RequestCount count(String path, Endpoint endpoint);

    /**
     * Takes an endpoint of a proxied route out by hand until it is restored.
     *
     * @return false if it was drained already
     * @throws IllegalArgumentException if the path is not proxied here or has no such endpoint
     */
    boolean drain(String path, Endpoint endpoint);

    /**
     * Puts a drained endpoint back, at the end of the order.
     *
     * @return false if it was not drained
     * @throws IllegalArgumentException if the path is not proxied here or has no such endpoint
     */
    boolean restore(String path, Endpoint endpoint);
}
