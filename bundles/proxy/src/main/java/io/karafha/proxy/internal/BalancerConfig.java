package io.karafha.proxy.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** What config:meta -p io.karafha.balancer and the web console show (etc/io.karafha.balancer.cfg). */
@ObjectClassDefinition(id = "io.karafha.balancer", name = "Karaf HA failover balancer",
        description = "Route publishing (backends) and the failover HTTP proxy (balancer).")
public @interface BalancerConfig {

    @AttributeDefinition(description = "Publish the paths this node serves to the cluster's route registry (backends). Absent: true when karaf.ha.role = backend.")
    boolean publish() default false;

    @AttributeDefinition(description = "Serve a failover proxy for every route of the cluster (the balancer). Absent: true when karaf.ha.role = balancer.")
    boolean proxy() default false;

    @AttributeDefinition(name = "advertised.url", description = "How the balancer reaches this node; empty: http://<cluster address>:<HTTP port>.")
    String advertised_url() default "";

    @AttributeDefinition(description = "failover (ordered, first live endpoint is master) or round-robin.")
    String policy() default "failover";

    @AttributeDefinition(name = "route.policies", description = "Per path policy, e.g. /hello=round-robin, /api=failover.")
    String route_policies() default "";

    @AttributeDefinition(description = "Session affinity: a request whose session id ends in .<karaf.name> (Jetty's worker name, the jvmRoute convention) goes first to that backend, whatever the policy.")
    boolean sticky() default true;

    @AttributeDefinition(name = "sticky.cookie", description = "Cookie (and ;name= path parameter) holding the session id read for affinity.")
    String sticky_cookie() default "JSESSIONID";

    @AttributeDefinition(name = "route.sticky", description = "Per path affinity, e.g. /api=false, /shop=true.")
    String route_sticky() default "";

    @AttributeDefinition(name = "connect.timeout.ms", description = "Connect timeout to a backend (ms).")
    int connect_timeout_ms() default 1000;

    @AttributeDefinition(name = "response.timeout.ms", description = "A backend silent this long (ms) is unresponsive (hung).")
    int response_timeout_ms() default 5000;

    @AttributeDefinition(name = "retry.interval.ms", description = "A failed endpoint is not tried again before this (ms).")
    long retry_interval_ms() default 10000;

    @AttributeDefinition(description = "Semicolon-separated exception class names that mean the backend failed.")
    String exceptions() default "java.net.ConnectException;java.net.NoRouteToHostException;java.net.UnknownHostException;"
            + "java.net.SocketTimeoutException;java.util.concurrent.TimeoutException;java.io.EOFException;"
            + "java.nio.channels.ClosedChannelException";

    @AttributeDefinition(name = "failover.on.status", description = "Backend status codes that count as failure; empty or none: none.")
    String failover_on_status() default "502,503,504";

    @AttributeDefinition(name = "max.attempts", description = "Endpoints one request may try; 0: each once.")
    int max_attempts() default 0;

    @AttributeDefinition(name = "replay.non.idempotent", description = "Replay a non-idempotent request to the next endpoint when its body was not read yet.")
    boolean replay_non_idempotent() default false;

    @AttributeDefinition(name = "max.request.bytes", description = "Largest request body (0: unlimited).")
    long max_request_bytes() default 10485760L;

    @AttributeDefinition(name = "max.response.bytes", description = "Largest response body (0: unlimited).")
    long max_response_bytes() default 104857600L;

    @AttributeDefinition(name = "include.paths", description = "Routes published/proxied (trailing * = prefix).")
    String include_paths() default "*";

    @AttributeDefinition(name = "exclude.paths", description = "Routes never published/proxied.")
    String exclude_paths() default "/system/console*,/karaf-ha/*";

    @AttributeDefinition(name = "drain.timeout.ms", description = "A stopping backend waits at most this long (ms) for every balancer to take it out and finish its requests.")
    long drain_timeout_ms() default 10000L;

    @AttributeDefinition(name = "unavailable.wait.ms", description = "A request to a route with no available endpoint waits up to this long (ms) for one; then 503 with Retry-After. 0: 503 at once.")
    long unavailable_wait_ms() default 5000L;

    @AttributeDefinition(name = "unavailable.max.waiting", description = "Requests that may wait at once for an unavailable route; beyond, 503 at once.")
    int unavailable_max_waiting() default 256;

    @AttributeDefinition(name = "preserve.host", description = "The client's Host header reaches the backend (as nginx proxy_set_header Host, httpd ProxyPreserveHost On); false: the backend's host:port is sent.")
    boolean preserve_host() default true;

    @AttributeDefinition(name = "websocket.idle.timeout.ms", description = "An open WebSocket through the balancer that carries no byte in either direction this long (ms) is closed (1000..86400000).")
    long websocket_idle_timeout_ms() default 300000;

    @AttributeDefinition(name = "trusted.proxies", description = "On a backend: IP addresses whose X-Forwarded-*/Forwarded headers are honoured (comma-separated). Empty: the addresses of the cluster's balancers. From any other address those headers are ignored.")
    String trusted_proxies() default "";
}
