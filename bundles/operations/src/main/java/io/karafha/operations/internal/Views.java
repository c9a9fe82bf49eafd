package io.karafha.operations.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.karafha.proxy.RequestCount;

/** What the shell commands, the MBean and the web console page show; plain immutable values. */
public final class Views {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Views() {
    }

    /**
     * One endpoint of a proxied route, in the balancer's local order.
     *
     * @param state     live, down, hung or drained
     * @param downUntil epoch millis a down/hung endpoint is skipped until, else 0
     * @param reason    why it is down/hung, else null
     * @param master    whether the next request goes here first (failover policy)
     */
    public record EndpointView(int position, String node, String nodeId, String url, String state, long downUntil,
                               String reason, boolean master, RequestCount count) {

        /** @return e.g. {@code live}, {@code drained}, {@code down until 14:02:11 (java.net.ConnectException: ...)} */
        public String describe() {
            if (!state.equals("down") && !state.equals("hung")) {
                return state;
            }
            return state + " until " + TIME.format(Instant.ofEpochMilli(downUntil)) + (reason == null ? "" : " (" + reason + ")");
        }
    }

    /** One route the balancer proxies. @param master node name of the master, or "-" if none is eligible */
    public record RouteView(String path, String policy, String master, List<EndpointView> endpoints, RequestCount count) {
    }

    /** One route this node publishes, with its place among the route's endpoints in the registry. */
    public record PublishedView(String path, String url, String group, int position, int endpoints) {
    }

    /** A cluster member. @param groups the Cellar groups it is in */
    public record NodeView(String name, String id, boolean local, List<String> groups) {
    }
}
