package io.karafha.operations.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.karafha.operations.internal.Views.EndpointView;
import io.karafha.operations.internal.Views.NodeView;
import io.karafha.operations.internal.Views.PublishedView;
import io.karafha.operations.internal.Views.RouteView;
import io.karafha.proxy.EndpointState;
import io.karafha.proxy.EndpointStatus;
import io.karafha.proxy.ProxiedRoute;
import io.karafha.proxy.ProxyControl;
import io.karafha.registry.EndpointRegistry;
import io.karafha.routes.Endpoint;
import io.karafha.routes.RoleSwitches;
import io.karafha.routes.Route;
import io.karafha.routes.RouteSpace;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.routes.settings.InvalidSettingsException;
import io.karafha.routes.settings.Policy;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.apache.karaf.cellar.core.Node;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator sees and touches, in one place for the shell commands, the MBean and the web
 * console page: routes with their ordered endpoints, state, master and counters (balancer), the
 * routes this node publishes (backend), the cluster's nodes and groups, drain / restore, and the
 * balancer settings, changed with the same validation as {@code etc/io.karafha.balancer.cfg}.
 */
@Component(service = Operations.class)
public class Operations {

    public static final String PID = "io.karafha.balancer";
    /** The role keys, besides the {@link BalancerSettings} keys. */
    static final List<String> ROLE_KEYS = List.of("proxy", "publish", "advertised.url");
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    @Reference
    private ProxyControl proxies;
    @Reference
    private EndpointRegistry registry;
    @Reference
    private GroupManager groupManager;
    @Reference
    private ConfigurationAdmin configAdmin;

    /** @return "balancer" if this node proxies, "backend" if it publishes, else "none" */
    public String role() {
        if (proxies.isProxy()) {
            return "balancer";
        }
        return RoleSwitches.publish(configuration()) ? "backend" : "none";
    }

    /** @return this node's Karaf name and cluster id, e.g. {@code karaf1 (127.0.0.1:5702)} */
    public String localNode() {
        return name(registry.localNodeId(), registry.nodeNames()) + " (" + registry.localNodeId() + ")";
    }

    /** @return one line on the WebSockets through this balancer since it started */
    public String websockets() {
        return proxies.websockets();
    }

    /** @return every route this node proxies, endpoints in local order (empty on a backend) */
    public List<RouteView> routes() {
        long now = System.currentTimeMillis();
        Map<String, String> names = registry.nodeNames();
        BalancerSettings settings = proxies.settings();
        List<RouteView> routes = new ArrayList<>();
        for (ProxiedRoute route : proxies.routes(now)) {
            String path = route.path();
            Policy policy = settings.policyFor(path);
            Endpoint master = policy == Policy.FAILOVER ? route.master() : null;
            List<EndpointView> rows = new ArrayList<>();
            int position = 1;
            for (EndpointStatus s : route.endpoints()) {
                Endpoint e = s.endpoint();
                rows.add(new EndpointView(position++, name(e.getNodeId(), names), e.getNodeId(), e.getUrl().toString(),
                        state(s), s.downUntil(), s.reason(), e.equals(master), proxies.count(path, e)));
            }
            String masterName = policy != Policy.FAILOVER ? "(" + policy.configValue() + ")"
                    : master == null ? "-" : name(master.getNodeId(), names);
            routes.add(new RouteView(path, policy.configValue(), masterName, rows, proxies.count(path)));
        }
        return routes;
    }

    /** @return live, down, hung or drained */
    static String state(EndpointStatus s) {
        if (s.state() == EndpointState.LIVE) {
            return "live";
        }
        if (s.state() == EndpointState.DRAINED) {
            return "drained";
        }
        return s.hung() ? "hung" : "down";
    }

    /** @return the routes this node has registered in each of its groups */
    public List<PublishedView> published() {
        List<PublishedView> out = new ArrayList<>();
        String self = registry.localNodeId();
        for (Group group : groupManager.listLocalGroups()) {
            Map<String, Route> routes = RouteSpace.routes(registry, group);
            for (String path : new TreeSet<>(registry.localPaths(RouteSpace.of(group)))) {
                Route route = routes.getOrDefault(path, Route.empty(path));
                List<Endpoint> endpoints = route.getEndpoints();
                for (int i = 0; i < endpoints.size(); i++) {
                    if (endpoints.get(i).getNodeId().equals(self)) {
                        out.add(new PublishedView(path, endpoints.get(i).getUrl().toString(), group.getName(), i + 1, endpoints.size()));
                    }
                }
            }
        }
        return out;
    }

    /** @return the number of distinct routes in the registry of this node's groups; throws if unreadable */
    public int knownRoutes() {
        Set<String> paths = new TreeSet<>();
        for (Group group : groupManager.listLocalGroups()) {
            paths.addAll(RouteSpace.routes(registry, group).keySet());
        }
        return paths.size();
    }

    /** @return the nodes draining now (stopping: no balancer sends them new requests), e.g. "karaf1 (127.0.0.1:5702)" */
    public List<String> drainingNodes() {
        Map<String, String> names = registry.nodeNames();
        List<String> out = new ArrayList<>();
        for (String id : registry.drainingNodes()) {
            out.add(name(id, names) + " (" + id + ")");
        }
        return out;
    }

    /** @return the cluster members, this node first, with their Cellar groups */
    public List<NodeView> nodes() {
        Map<String, String> names = registry.nodeNames();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Group g : groupManager.listAllGroups()) {
            for (Node n : g.getNodes()) {
                groups.computeIfAbsent(n.getId(), id -> new ArrayList<>()).add(g.getName());
            }
        }
        String self = registry.localNodeId();
        List<NodeView> out = new ArrayList<>();
        for (String id : registry.memberIds()) {
            List<String> g = new ArrayList<>(groups.getOrDefault(id, List.of()));
            g.sort(null);
            out.add(new NodeView(name(id, names), id, id.equals(self), g));
        }
        return out;
    }

    /**
     * Drains an endpoint (or, with path {@code *}, that node's endpoint of every route).
     *
     * @param target a node name (karaf1), node id (127.0.0.1:5702) or endpoint URL
     * @return one line per endpoint, e.g. {@code /hello: karaf1 http://127.0.0.1:8182 drained}
     * @throws IllegalArgumentException naming the path or endpoint that does not exist
     */
    public List<String> drain(String path, String target) {
        return change(path, target, true);
    }

    /** Restores drained endpoints; as {@link #drain}. */
    public List<String> restore(String path, String target) {
        return change(path, target, false);
    }

    private List<String> change(String path, String target, boolean drain) {
        if (!proxies.isProxy()) {
            throw new IllegalArgumentException("This node proxies no route (proxy = false in etc/" + PID + ".cfg): "
                    + "drain and restore endpoints on the balancer");
        }
        Map<String, ProxiedRoute> tables = new LinkedHashMap<>();
        proxies.routes(0).forEach(r -> tables.put(r.path(), r));
        List<String> paths = path.equals("*") ? new ArrayList<>(tables.keySet()) : List.of(path);
        Map<String, String> names = registry.nodeNames();
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            ProxiedRoute table = tables.get(p);
            if (table == null) {
                throw new IllegalArgumentException("No route " + p + " on this balancer; routes: " + tables.keySet());
            }
            List<Endpoint> all = table.endpoints().stream().map(EndpointStatus::endpoint).toList();
            Endpoint e = find(all, target, names);
            if (e == null) {
                if (path.equals("*")) {
                    continue;
                }
                throw new IllegalArgumentException("Route " + p + " has no endpoint '" + target + "'; endpoints: "
                        + all.stream().map(x -> name(x.getNodeId(), names) + " " + x.getUrl()).toList());
            }
            boolean changed = drain ? proxies.drain(p, e) : proxies.restore(p, e);
            out.add(p + ": " + name(e.getNodeId(), names) + " " + e.getUrl() + " "
                    + (drain ? (changed ? "drained" : "was drained already") : (changed ? "restored" : "was not drained")));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("No route has an endpoint '" + target + "'");
        }
        return out;
    }

    /** Matches a node name, node id or URL (a trailing slash ignored). */
    static Endpoint find(List<Endpoint> endpoints, String target, Map<String, String> names) {
        String t = target.trim();
        String url = t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
        for (Endpoint e : endpoints) {
            String u = e.getUrl().toString();
            u = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
            if (t.equals(names.get(e.getNodeId())) || t.equals(e.getNodeId()) || url.equals(u)) {
                return e;
            }
        }
        return null;
    }

    /** @return every setting in force under its key: the role keys, then the proxy settings */
    public Map<String, String> settings() {
        Map<String, Object> config = configuration();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("proxy", String.valueOf(proxies.isProxy()));
        out.put("publish", String.valueOf(RoleSwitches.publish(config)));
        String advertised = RoleSwitches.advertisedUrl(config);
        out.put("advertised.url", advertised == null ? "" : advertised);
        proxies.settings().toMap().forEach((k, v) -> out.put(k, String.valueOf(v)));
        proxies.stickyDefaults().forEach((k, dflt) -> out.put(k, String.valueOf(config.getOrDefault(k, dflt))));
        return out;
    }

    /** @return every key {@link #updateSettings} accepts */
    public List<String> settingKeys() {
        List<String> keys = new ArrayList<>(ROLE_KEYS);
        keys.addAll(BalancerSettings.defaults().toMap().keySet());
        keys.addAll(proxies.stickyDefaults().keySet());
        return keys;
    }

    /**
     * Changes settings in one configuration update (one write of etc/io.karafha.balancer.cfg):
     * checked first with the rules of the cfg file, so a bad value is rejected here, naming key,
     * value and what is expected, and nothing is written.
     *
     * @param changes key -> new value; an empty value removes the key (its default applies)
     * @throws IllegalArgumentException for an unknown key or an invalid value
     */
    public Map<String, String> updateSettings(Map<String, String> changes) throws IOException {
        List<String> keys = settingKeys();
        for (String key : changes.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("Unknown balancer setting '" + key + "'; settings: " + keys);
            }
        }
        Configuration cfg = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = cfg.getProperties() == null ? new Hashtable<>() : cfg.getProperties();
        Map<String, Object> merged = toMap(props);
        changes.forEach((k, v) -> {
            if (v == null || v.isBlank()) {
                merged.remove(k);
                props.remove(k);
            } else {
                merged.put(k, v.trim());
                props.put(k, v.trim());
            }
        });
        try {
            proxies.check(merged);
            RoleSwitches.flag(merged, "proxy", false);
            RoleSwitches.flag(merged, "publish", false);
            RoleSwitches.advertisedUrl(merged);
        } catch (InvalidSettingsException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing changed", e);
        }
        cfg.update(props);
        LOG.info("Balancer settings changed by hand: {}", changes);
        return new LinkedHashMap<>(changes);
    }

    private Map<String, Object> configuration() {
        try {
            Configuration cfg = configAdmin.getConfiguration(PID, null);
            return cfg.getProperties() == null ? Map.of() : toMap(cfg.getProperties());
        } catch (IOException e) {
            throw new IllegalStateException("Configuration " + PID + " cannot be read: " + e, e);
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements(); ) {
            String k = keys.nextElement();
            m.put(k, d.get(k));
        }
        return m;
    }

    static String name(String nodeId, Map<String, String> names) {
        return names.getOrDefault(nodeId, nodeId);
    }
}
