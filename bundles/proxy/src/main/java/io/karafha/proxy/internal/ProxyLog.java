package io.karafha.proxy.internal;

import io.karafha.routes.Endpoint;
import io.karafha.proxy.internal.engine.ProxyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line per state change a user cares about: endpoint down (with the reason), back, failover. */
final class ProxyLog implements ProxyListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.karafha.balancer");

    @Override
    public void endpointDown(String routePath, Endpoint endpoint, String reason) {
        LOG.info("Route {}: endpoint {} ({}) is down: {}", routePath, endpoint.getUrl(), endpoint.getNodeId(), reason);
    }

    @Override
    public void endpointUp(String routePath, Endpoint endpoint) {
        LOG.info("Route {}: endpoint {} ({}) is back", routePath, endpoint.getUrl(), endpoint.getNodeId());
    }

    @Override
    public void failover(String routePath, Endpoint from, Endpoint to, String reason) {
        LOG.info("Route {}: failover from {} to {} ({})", routePath, from.getUrl(), to.getUrl(), reason);
    }
}
