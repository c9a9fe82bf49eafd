package io.karafha.proxy.internal;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.servlet.Servlet;

import io.karafha.routes.Endpoint;
import io.karafha.routes.LocalRoutes;
import io.karafha.routes.RoleSwitches;
import io.karafha.routes.Route;
import io.karafha.routes.RouteSpace;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.routes.settings.InvalidSettingsException;
import io.karafha.proxy.internal.engine.ProxyEngine;
import io.karafha.proxy.internal.engine.StickyRouting;
import io.karafha.proxy.internal.engine.ProxyListener;
import io.karafha.proxy.internal.engine.ProxyServlet;
import io.karafha.proxy.internal.engine.RouteCounters;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.Registration;
import io.karafha.registry.RegistryListener;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the balancer ({@code proxy = true}): exactly one proxy servlet per route of the cluster
 * registry, each with its own endpoint table, all sharing one {@link ProxyEngine} (one pooled HTTP
 * client). Pulls the whole registry when it starts, when a member joins or leaves, every 10 s,
 * and for one path on each route event. A path this node serves itself is never shadowed.
 */
@Component(name = "io.karafha.balancer.proxy", configurationPid = "io.karafha.balancer",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = ProxyManager.class)
@Designate(ocd = BalancerConfig.class)
public class ProxyManager implements RegistryListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyManager.class);
    /** A balancer acknowledges a drain at the latest after this, requests in flight or not. */
    static final long MAX_ACK_WAIT_MS = 60_000;

    private static final class Proxy {
        final EndpointTable table = new EndpointTable();
        ServiceRegistration<Servlet> registration;
        List<Endpoint> endpoints = List.of();
    }

    @Reference
    private EndpointRegistry registry;
    @Reference
    private GroupManager groupManager;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HttpServiceRuntime runtime;

    private final Map<String, Proxy> proxies = new ConcurrentHashMap<>();
    private final RouteCounters counters = new RouteCounters();
    private final ProxyListener events = ProxyListener.both(new ProxyLog(), counters);
    /** Endpoints drained by hand, per path: kept while a route goes and comes back, until restored. */
    private final Map<String, Set<Endpoint>> drained = new ConcurrentHashMap<>();
    private BundleContext context;
    private volatile BalancerSettings settings = BalancerSettings.defaults();
    private volatile StickyRouting sticky = StickyRouting.off();
    private volatile boolean enabled;
    private ProxyEngine engine;
    private ScheduledExecutorService worker;
    /** This balancer in the registry (space {@value #BALANCERS}): the nodes a draining backend waits for. */
    private Registration balancerRegistration;

    /** Registry space and path under which every running balancer lists itself. */
    public static final String BALANCERS = RouteSpace.BALANCERS;
    public static final String BALANCERS_PATH = RouteSpace.BALANCERS_PATH;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        this.context = context;
        configure(config);
        engine = new ProxyEngine(settings);
        engine.setStickyRouting(sticky);
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-proxy-routes"));
        registry.addListener(this);
        // Never on the activating thread: it is Cellar's activator (or the boot) thread, and a boot was
        // seen to hang once right here; the HTTP client starts, and the routes come, on our own thread.
        worker.execute(() -> {
            engine.start();
            LOG.info("Balancer proxy started (HTTP client to the backends ready)");
        });
        worker.scheduleWithFixedDelay(this::syncAll, 0, 10, TimeUnit.SECONDS);
    }

    @Modified
    void modified(Map<String, Object> config) {
        if (configure(config)) {
            worker.execute(() -> engine.reconfigure(settings));
            engine.setStickyRouting(sticky);
            worker.execute(this::syncAll);
        }
    }

    /** Parses the whole configuration first; a bad value keeps the last good one in force. */
    private boolean configure(Map<String, Object> config) {
        try {
            BalancerSettings parsed = BalancerSettings.parse(config);
            boolean proxy = RoleSwitches.proxy(config);
            StickyRouting affinity = StickyRouting.parse(config, id -> registry.nodeNames().get(id));
            settings = parsed;
            sticky = affinity;
            enabled = proxy;
            LOG.info("Balancer settings in force: proxy={}, {}, {}", proxy, parsed, affinity);
            return true;
        } catch (InvalidSettingsException e) {
            LOG.error("etc/io.karafha.balancer.cfg: {}; the previous settings stay in force", e.getMessage());
            return false;
        }
    }

    @Deactivate
    void deactivate() {
        registry.removeListener(this);
        if (balancerRegistration != null) {
            balancerRegistration.close();
        }
        worker.shutdownNow();
        proxies.keySet().forEach(this::remove);
        if (engine.isStarted()) {
            engine.stop();
        }
    }

    /** A route event: look at one path again; a route its last backend withdrew is removed. */
    public void refresh(String path) {
        worker.execute(() -> apply(path, currentRoutes().get(path), true));
    }

    /**
     * A backend started draining (it is stopping): its endpoints leave every route now, and once this
     * balancer has no request in flight to it, it says so through the cluster, so the backend can stop.
     */
    @Override
    public void drainingChanged(String nodeId, boolean draining) {
        worker.execute(() -> {
            syncAll();
            if (draining && enabled) {
                LOG.info("Node {} is draining: no new request goes to it; {} request(s) in flight to it",
                        nodeName(nodeId), engine.inFlight().count(nodeId));
                acknowledgeWhenIdle(nodeId, System.nanoTime());
            }
        });
    }

    private void acknowledgeWhenIdle(String nodeId, long since) {
        int inFlight = engine.inFlight().count(nodeId);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        if (inFlight > 0 && waited < MAX_ACK_WAIT_MS && registry.drainingNodes().contains(nodeId)) {
            worker.schedule(() -> acknowledgeWhenIdle(nodeId, since), 20, TimeUnit.MILLISECONDS);
            return;
        }
        try {
            registry.acknowledgeDrain(nodeId);
            LOG.info("Node {} drained on this balancer in {} ms ({} request(s) still in flight)", nodeName(nodeId), waited, inFlight);
        } catch (RuntimeException e) {
            LOG.warn("Could not tell draining node {} it is drained: {}", nodeName(nodeId), e.toString());
        }
    }

    private String nodeName(String nodeId) {
        String name = registry.nodeNames().get(nodeId);
        return name == null ? nodeId : name + " (" + nodeId + ")";
    }

    @Override
    public void nodeLeft(String nodeId) {
        worker.execute(this::syncAll);
    }

    @Override
    public void nodeJoined(String nodeId) {
        worker.execute(this::syncAll);
    }

    /** The routes and their endpoint tables, for the commands and the console. */
    public Map<String, EndpointTable> tables() {
        return new TreeMap<>(proxies.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().table)));
    }

    /** @return the WebSockets through this balancer */
    public io.karafha.proxy.internal.engine.WebSocketCounters websockets() {
        return engine.websockets();
    }

    /** @return the request counters per path and endpoint */
    public RouteCounters counters() {
        return counters;
    }

    /** @return the settings in force (the last good ones) */
    public BalancerSettings settings() {
        return settings;
    }

    /** @return true if this node proxies the cluster's routes ({@code proxy = true}) */
    public boolean isProxy() {
        return enabled;
    }

    /**
     * Takes an endpoint of a proxied route out by hand: no request goes to it until it is restored
     * (no automatic retry). Local to this balancer, in memory: it survives the route going and coming
     * back and the endpoint re-registering, not a restart of the balancer.
     *
     * @return false if it was drained already
     * @throws IllegalArgumentException if the path is not proxied here or has no such endpoint
     */
    public boolean drain(String path, Endpoint endpoint) {
        EndpointTable table = table(path, endpoint);
        drained.computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet()).add(endpoint);
        boolean changed = table.drain(endpoint);
        if (changed) {
            LOG.info("Route {}: endpoint {} ({}) drained by hand: no request goes to it until it is restored",
                    path, endpoint.getUrl(), endpoint.getNodeId());
        }
        return changed;
    }

    /**
     * Puts a drained endpoint back; it comes back at the end of the order (a follower).
     *
     * @return false if it was not drained
     * @throws IllegalArgumentException if the path is not proxied here or has no such endpoint
     */
    public boolean restore(String path, Endpoint endpoint) {
        EndpointTable table = table(path, endpoint);
        Set<Endpoint> set = drained.get(path);
        if (set != null) {
            set.remove(endpoint);
        }
        boolean changed = table.restore(endpoint);
        if (changed) {
            LOG.info("Route {}: endpoint {} ({}) restored by hand: it takes requests again, after the others",
                    path, endpoint.getUrl(), endpoint.getNodeId());
        }
        return changed;
    }

    private EndpointTable table(String path, Endpoint endpoint) {
        Proxy proxy = proxies.get(path);
        if (proxy == null) {
            throw new IllegalArgumentException("Route " + path + " is not proxied by this node");
        }
        if (!proxy.endpoints.contains(endpoint)) {
            throw new IllegalArgumentException("Route " + path + " has no endpoint " + endpoint.getUrl() + " (" + endpoint.getNodeId() + ")");
        }
        return proxy.table;
    }

    private void syncAll() {
        try {
            announce();
            Map<String, Route> routes = currentRoutes();
            for (String path : new ArrayList<>(proxies.keySet())) {
                if (!routes.containsKey(path)) {
                    apply(path, null, false);
                }
            }
            routes.forEach((path, route) -> apply(path, route, false));
        } catch (RuntimeException e) {
            LOG.error("Routes could not be read from the cluster: {}", e.toString(), e);
        }
    }

    /** Lists this node among the balancers while it proxies; takes it out when it stops proxying. */
    private synchronized void announce() {
        if (enabled && balancerRegistration == null) {
            balancerRegistration = registry.register(BALANCERS, BALANCERS_PATH, System.getProperty("karaf.name", registry.localNodeId()));
        } else if (!enabled && balancerRegistration != null) {
            balancerRegistration.close();
            balancerRegistration = null;
        }
    }

    /** The routes of every local group; the endpoints of draining nodes are left out. */
    private Map<String, Route> currentRoutes() {
        Map<String, Route> merged = new TreeMap<>();
        Set<String> draining = registry.drainingNodes();
        for (Group group : groupManager.listLocalGroups()) {
            RouteSpace.routes(registry, group).forEach((path, route) -> {
                Route m = merged.getOrDefault(path, Route.empty(path));
                for (Endpoint e : route.getEndpoints()) {
                    if (!draining.contains(e.getNodeId())) {
                        m = m.withEndpoint(e);
                    }
                }
                merged.put(path, m);
            });
        }
        return merged;
    }

    /**
     * @param withdrawn true when a backend said the route changed (route event): a route left with no
     *                  endpoint is then removed. Otherwise (members left, periodic pull) it stays and
     *                  answers 503 until a backend serves it again.
     */
    private synchronized void apply(String path, Route route, boolean withdrawn) {
        boolean empty = route == null || route.isEmpty();
        if (!enabled || !settings.isIncluded(path) || (empty && !proxies.containsKey(path))) {
            remove(path);
            return;
        }
        if (empty && withdrawn) {
            // every backend withdrew the route (an application restarting or updating on all of them):
            // requests wait for it (unavailable.wait.ms); it is removed only if it does not come back
            long grace = Math.max(1000, settings.getUnavailableWaitMs());
            worker.schedule(() -> removeIfStillEmpty(path), grace, TimeUnit.MILLISECONDS);
        }
        if (empty) {
            Proxy proxy = proxies.get(path);
            if (!proxy.endpoints.isEmpty()) {
                proxy.table.update(List.of());
                proxy.endpoints = List.of();
                LOG.info("Route {} has no endpoint left: requests wait up to {} ms for one, then get 503", path, settings.getUnavailableWaitMs());
            }
            return;
        }
        Proxy proxy = proxies.get(path);
        if (proxy == null) {
            if (servedHere(path)) {
                LOG.warn("Route {} is not proxied: this node serves {} itself", path, path);
                return;
            }
            proxy = new Proxy();
            proxy.table.update(route.getEndpoints());
            proxy.endpoints = route.getEndpoints();
            drained.getOrDefault(path, Set.of()).forEach(proxy.table::drain);
            Proxy p = proxy;
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("osgi.http.whiteboard.servlet.pattern", path.equals("/") ? new String[] {"/"} : new String[] {path, path + "/*"});
            props.put("osgi.http.whiteboard.servlet.name", LocalRoutes.PROXY_SERVLET_PREFIX + path);
            props.put("osgi.http.whiteboard.servlet.asyncSupported", Boolean.TRUE); // no thread waits for a backend
            proxy.registration = context.registerService(Servlet.class, new ProxyServlet(path, () -> p.table, engine, events), props);
            proxies.put(path, proxy);
            LOG.info("Route {} added: endpoints {}", path, urls(route.getEndpoints()));
        } else if (!proxy.endpoints.equals(route.getEndpoints())) {
            proxy.table.update(route.getEndpoints());
            proxy.endpoints = route.getEndpoints();
            drained.getOrDefault(path, Set.of()).forEach(proxy.table::drain);
            LOG.info("Route {} endpoints now {}", path, urls(route.getEndpoints()));
        }
    }

    private synchronized void removeIfStillEmpty(String path) {
        Route route = currentRoutes().get(path);
        Proxy proxy = proxies.get(path);
        if (proxy != null && proxy.endpoints.isEmpty() && (route == null || route.isEmpty())) {
            remove(path);
        }
    }

    private void remove(String path) {
        Proxy proxy = proxies.remove(path);
        if (proxy != null) {
            try {
                proxy.registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("proxy servlet for {} already unregistered", path);
            }
            LOG.info("Route {} removed: no endpoint left", path);
        }
    }

    private boolean servedHere(String path) {
        HttpServiceRuntime rt = runtime;
        return rt != null && LocalRoutes.paths(rt.getRuntimeDTO(), LocalRoutes.PROXY_SERVLET_PREFIX).contains(path);
    }

    private static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(e -> e.getUrl() + " (" + e.getNodeId() + ")").collect(Collectors.toList());
    }
}
