package io.karafha.operations.internal;

import java.util.Set;
import java.util.TreeSet;

import io.karafha.proxy.ProxyControl;
import io.karafha.routes.RouteSpace;
import io.karafha.node.RouteHealth;
import io.karafha.registry.EndpointRegistry;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The routes part of /karaf-ha/health: ready needs the registry readable, not a route: the balancer
 * comes up before any backend has published, and waiting for routes there would hold the launcher.
 */
@Component(service = RouteHealth.class)
public class RouteHealthService implements RouteHealth {

    @Reference
    private EndpointRegistry registry;
    @Reference
    private GroupManager groupManager;
    /** Present once etc/io.karafha.balancer.cfg is read. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProxyControl proxies;

    @Override
    public Status status() {
        ProxyControl pm = proxies;
        Set<String> known = new TreeSet<>();
        Set<String> mine = new TreeSet<>();
        try {
            for (Group group : groupManager.listLocalGroups()) {
                known.addAll(RouteSpace.routes(registry, group).keySet());
                mine.addAll(registry.localPaths(RouteSpace.of(group)));
            }
        } catch (RuntimeException e) {
            return new Status(role(pm), false, 0, 0, "the route registry cannot be read: " + e);
        }
        String role = role(pm);
        int local = role.equals("balancer") ? pm.routes(System.currentTimeMillis()).size() : mine.size();
        String note = null;
        if (pm == null) {
            note = "etc/io.karafha.balancer.cfg is not read yet (no proxy, no publisher)";
        } else if (known.isEmpty()) {
            note = "no route in the cluster yet: no backend has published one";
        } else if (local == 0) {
            note = role.equals("balancer") ? "routes known, none proxied yet" : "this node publishes no route";
        }
        return new Status(role, true, known.size(), local, note);
    }

    private static String role(ProxyControl pm) {
        if (pm != null && pm.isProxy()) {
            return "balancer";
        }
        return pm == null ? "unknown" : "backend";
    }
}
