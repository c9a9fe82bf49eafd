package io.karafha.routes.settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The balancer's settings, parsed all-or-nothing from a configuration map by {@link #parse}.
 * Immutable; unknown keys are ignored. {@link #toMap()} gives a map that parses back to an equal
 * object.
 */
public final class BalancerSettings {

    public static final String POLICY = "policy";
    public static final String ROUTE_POLICIES = "route.policies";
    public static final String CONNECT_TIMEOUT_MS = "connect.timeout.ms";
    public static final String RESPONSE_TIMEOUT_MS = "response.timeout.ms";
    public static final String RETRY_INTERVAL_MS = "retry.interval.ms";
    public static final String EXCEPTIONS = "exceptions";
    public static final String FAILOVER_ON_STATUS = "failover.on.status";
    public static final String MAX_ATTEMPTS = "max.attempts";
    public static final String REPLAY_NON_IDEMPOTENT = "replay.non.idempotent";
    public static final String MAX_REQUEST_BYTES = "max.request.bytes";
    public static final String MAX_RESPONSE_BYTES = "max.response.bytes";
    public static final String EXCLUDE_PATHS = "exclude.paths";
    public static final String INCLUDE_PATHS = "include.paths";
    public static final String DRAIN_TIMEOUT_MS = "drain.timeout.ms";
    public static final String UNAVAILABLE_WAIT_MS = "unavailable.wait.ms";
    public static final String UNAVAILABLE_MAX_WAITING = "unavailable.max.waiting";
    public static final String PRESERVE_HOST = "preserve.host";
    public static final String WEBSOCKET_IDLE_TIMEOUT_MS = "websocket.idle.timeout.ms";
    public static final String TRUSTED_PROXIES = "trusted.proxies";

    /** Default of {@value #EXCEPTIONS}: connection and I/O failures plus timeouts. */
    public static final String DEFAULT_EXCEPTIONS = "java.net.ConnectException;java.net.NoRouteToHostException;"
            + "java.net.UnknownHostException;java.net.SocketTimeoutException;java.util.concurrent.TimeoutException;"
            + "java.io.EOFException;java.nio.channels.ClosedChannelException";

    private final Policy policy;
    private final Map<String, Policy> routePolicies;
    private final int connectTimeoutMs;
    private final int responseTimeoutMs;
    private final long retryIntervalMs;
    private final List<String> exceptions;
    private final Set<Integer> failoverOnStatus;
    private final int maxAttempts;
    private final boolean replayNonIdempotent;
    private final long maxRequestBytes;
    private final long maxResponseBytes;
    private final PathPatterns excludePaths;
    private final PathPatterns includePaths;
    private final long drainTimeoutMs;
    private final long unavailableWaitMs;
    private final int unavailableMaxWaiting;
    private final boolean preserveHost;
    private final long websocketIdleTimeoutMs;
    private final List<String> trustedProxies;

    private BalancerSettings(SettingsReader r) {
        policy = SettingsRules.policy(POLICY, r.text(POLICY, "failover"));
        routePolicies = SettingsRules.routePolicies(ROUTE_POLICIES, r.list(ROUTE_POLICIES, "", ","));
        connectTimeoutMs = (int) r.number(CONNECT_TIMEOUT_MS, 1000, 1, 600_000);
        responseTimeoutMs = (int) r.number(RESPONSE_TIMEOUT_MS, 5000, 1, 3_600_000);
        retryIntervalMs = r.number(RETRY_INTERVAL_MS, 10_000, 0, 86_400_000);
        exceptions = SettingsRules.classNames(EXCEPTIONS, r.list(EXCEPTIONS, DEFAULT_EXCEPTIONS, ";"));
        failoverOnStatus = SettingsRules.statuses(FAILOVER_ON_STATUS, r.list(FAILOVER_ON_STATUS, "502,503,504", ","));
        maxAttempts = (int) r.number(MAX_ATTEMPTS, 0, 0, 100);
        replayNonIdempotent = r.bool(REPLAY_NON_IDEMPOTENT, false);
        maxRequestBytes = r.number(MAX_REQUEST_BYTES, 10_485_760L, 0, Long.MAX_VALUE);
        maxResponseBytes = r.number(MAX_RESPONSE_BYTES, 104_857_600L, 0, Long.MAX_VALUE);
        excludePaths = PathPatterns.parse(EXCLUDE_PATHS, r.list(EXCLUDE_PATHS, "/system/console*,/karaf-ha/*", ","));
        List<String> include = r.list(INCLUDE_PATHS, "*", ",");
        if (include.isEmpty()) {
            throw new InvalidSettingsException(INCLUDE_PATHS, "", "at least one pattern, e.g. *");
        }
        includePaths = PathPatterns.parse(INCLUDE_PATHS, include);
        drainTimeoutMs = r.number(DRAIN_TIMEOUT_MS, 10_000, 0, 600_000);
        unavailableWaitMs = r.number(UNAVAILABLE_WAIT_MS, 5_000, 0, 600_000);
        unavailableMaxWaiting = (int) r.number(UNAVAILABLE_MAX_WAITING, 256, 0, 100_000);
        preserveHost = r.bool(PRESERVE_HOST, true);
        websocketIdleTimeoutMs = r.number(WEBSOCKET_IDLE_TIMEOUT_MS, 300_000, 1000, 86_400_000);
        trustedProxies = SettingsRules.addresses(TRUSTED_PROXIES, r.list(TRUSTED_PROXIES, "", ","));
    }

    /**
     * Parses and validates every setting before returning; absent keys take their defaults.
     *
     * @param config values may be String, Integer, Long, Boolean or String[]; null means empty
     * @throws InvalidSettingsException for the first bad value, naming key, value and expectation
     */
    public static BalancerSettings parse(Map<String, ?> config) {
        return new BalancerSettings(new SettingsReader(config));
    }

    /** @return the settings with every default */
    public static BalancerSettings defaults() {
        return parse(Map.of());
    }

    public Policy getPolicy() { return policy; }
    /** @return per-path policy overrides in configuration order (unmodifiable) */
    public Map<String, Policy> getRoutePolicies() { return routePolicies; }
    public int getConnectTimeoutMs() { return connectTimeoutMs; }
    /** @return how long to wait for a response before the endpoint counts as unresponsive */
    public int getResponseTimeoutMs() { return responseTimeoutMs; }
    /** @return how long a failed endpoint is skipped */
    public long getRetryIntervalMs() { return retryIntervalMs; }
    /** @return fully qualified exception class names that count as endpoint failures */
    public List<String> getExceptions() { return exceptions; }
    /** @return HTTP statuses (500-599) whose answer counts as a failure; may be empty */
    public Set<Integer> getFailoverOnStatus() { return failoverOnStatus; }
    /** @return maximum endpoints one request tries; 0 = every eligible endpoint once */
    public int getMaxAttempts() { return maxAttempts; }
    /** @return whether a request whose body may have been processed may be sent to another endpoint */
    public boolean isReplayNonIdempotent() { return replayNonIdempotent; }
    /** @return maximum buffered request body; 0 = unlimited */
    public long getMaxRequestBytes() { return maxRequestBytes; }
    /** @return maximum response body; 0 = unlimited */
    public long getMaxResponseBytes() { return maxResponseBytes; }
    public List<String> getExcludePaths() { return excludePaths.patterns(); }
    public List<String> getIncludePaths() { return includePaths.patterns(); }
    /** @return how long a stopping backend waits for the balancers to take it out and finish its requests */
    public long getDrainTimeoutMs() { return drainTimeoutMs; }
    /** @return how long a request waits for a route that has no available endpoint for a moment; 0: 503 at once */
    public long getUnavailableWaitMs() { return unavailableWaitMs; }
    /** @return how many requests may wait at once for an unavailable route; more get 503 at once */
    public int getUnavailableMaxWaiting() { return unavailableMaxWaiting; }
    /** @return whether the client's Host header reaches the backend (else the backend's address is sent) */
    public boolean isPreserveHost() { return preserveHost; }

    /** @return how long an open WebSocket may carry no byte in either direction before the balancer closes it */
    public long getWebsocketIdleTimeoutMs() { return websocketIdleTimeoutMs; }
    /** @return IP addresses whose X-Forwarded-* / Forwarded headers a backend honours; empty: the cluster's balancers */
    public List<String> getTrustedProxies() { return trustedProxies; }

    /**
     * @return the policy for a route path: an exact {@value #ROUTE_POLICIES} entry, else the
     *         longest entry that is a whole-segment prefix ({@code /api} covers {@code /api/x}),
     *         else {@link #getPolicy()}
     */
    public Policy policyFor(String path) {
        Policy best = null;
        int bestLength = -1;
        for (Map.Entry<String, Policy> e : routePolicies.entrySet()) {
            String p = e.getKey();
            boolean covers = p.equals(path) || (path != null && path.startsWith(p.endsWith("/") ? p : p + "/"));
            if (covers && p.length() > bestLength) {
                best = e.getValue();
                bestLength = p.length();
            }
        }
        return best == null ? policy : best;
    }

    /** @return true if an include pattern matches the path and no exclude pattern does */
    public boolean isIncluded(String path) {
        return includePaths.matches(path) && !excludePaths.matches(path);
    }

    /** @return every setting under its key, in a form {@link #parse} accepts (unmodifiable) */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(POLICY, policy.configValue());
        m.put(ROUTE_POLICIES, SettingsRules.formatRoutePolicies(routePolicies));
        m.put(CONNECT_TIMEOUT_MS, connectTimeoutMs);
        m.put(RESPONSE_TIMEOUT_MS, responseTimeoutMs);
        m.put(RETRY_INTERVAL_MS, retryIntervalMs);
        m.put(EXCEPTIONS, String.join(";", exceptions));
        m.put(FAILOVER_ON_STATUS, failoverOnStatus.isEmpty() ? "none"
                : String.join(",", failoverOnStatus.stream().map(String::valueOf).toList()));
        m.put(MAX_ATTEMPTS, maxAttempts);
        m.put(REPLAY_NON_IDEMPOTENT, replayNonIdempotent);
        m.put(MAX_REQUEST_BYTES, maxRequestBytes);
        m.put(MAX_RESPONSE_BYTES, maxResponseBytes);
        m.put(EXCLUDE_PATHS, excludePaths.toString());
        m.put(INCLUDE_PATHS, includePaths.toString());
        m.put(DRAIN_TIMEOUT_MS, drainTimeoutMs);
        m.put(UNAVAILABLE_WAIT_MS, unavailableWaitMs);
        m.put(UNAVAILABLE_MAX_WAITING, unavailableMaxWaiting);
        m.put(PRESERVE_HOST, preserveHost);
        m.put(WEBSOCKET_IDLE_TIMEOUT_MS, websocketIdleTimeoutMs);
        m.put(TRUSTED_PROXIES, String.join(",", trustedProxies));
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BalancerSettings s && toMap().equals(s.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    /** @return every setting, e.g. {@code BalancerSettings{policy=failover, route.policies=, ...}} */
    @Override
    public String toString() {
        return "BalancerSettings" + toMap();
    }
}
