package io.karafha.proxy;

import java.util.List;

import io.karafha.routes.Endpoint;

/**
 * One route the balancer proxies, as its endpoint table was at one moment.
 *
 * @param path      the route path
 * @param master    the endpoint a request would try first under the failover policy, or null if none is eligible
 * @param endpoints every endpoint in local order
 */
public record ProxiedRoute(String path, Endpoint master, List<EndpointStatus> endpoints) {
}
