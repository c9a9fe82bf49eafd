package io.karafha.routes.internal;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.karafha.routes.LocalRoutes;
import io.karafha.routes.RoleSwitches;
import io.karafha.routes.RouteEvent;
import io.karafha.routes.RouteSpace;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.routes.settings.InvalidSettingsException;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegistryListener;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.apache.karaf.cellar.core.event.EventProducer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.ops4j.pax.web.service.spi.model.events.WebElementEvent;
import org.ops4j.pax.web.service.spi.model.events.WebElementEventListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.bundle.EventHook;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend: publishes every path the node serves (servlets, whiteboard patterns, web
 * application contexts, as the HTTP runtime reports them) into the route registry of each of its
 * Cellar groups, and sends a route event; a path the node stops serving is removed. Runs when
 * {@code publish = true} in {@code io.karafha.balancer} (etc-backend/). On start it registers again
 * from scratch, so a restarted node is at the end of every endpoint list.
 */
@Component(name = "io.karafha.balancer.publisher", configurationPid = "io.karafha.balancer",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = WebElementEventListener.class)
public class RoutePublisher implements WebElementEventListener {

    static final String PROXY_SERVLET_PREFIX = LocalRoutes.PROXY_SERVLET_PREFIX;
    private static final Logger LOG = LoggerFactory.getLogger(RoutePublisher.class);

    @Reference
    private EndpointRegistry registry;
    @Reference
    private GroupManager groupManager;
    @Reference
    private EventProducer<RouteEvent> producer;
    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, updated = "runtimeChanged")
    private volatile HttpServiceRuntime runtime;

    private volatile BalancerSettings settings = BalancerSettings.defaults();
    private volatile boolean enabled;
    private volatile String advertisedUrl;
    private final Set<String> published = new HashSet<>();
    private ScheduledExecutorService worker;
    /** The fast pass has a thread of its own: a full pass can wait a second on the HTTP runtime. */
    private ScheduledExecutorService fastWorker;
    private ScheduledFuture<?> pending;

    private BundleContext context;
    /** What this node answers now, for the "not served here" answer to the balancer. */
    private final ServedPaths served = new ServedPaths();
    private ServiceRegistration<HttpConfiguration.Customizer> customizer;
    /** Jetty's ForwardedRequestCustomizer for requests from the balancers (see TrustedForwardedCustomizer). */
    private ServiceRegistration<HttpConfiguration.Customizer> forwarded;
    /** Not served either while the route's web context restarts (see NotServedFallback). */
    private ServiceRegistration<Handler> fallback;
    private DrainOnStop drain;
    /** The framework stopping: drain (an application's own stop is seen earlier, by {@link WithdrawFirst}). */
    private final SynchronousBundleListener stopping = event -> {
        if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == 0 && enabled) {
            drain.drain();
        }
    };
    /** Before any listener hears of an application stopping or a servlet going away. */
    private ServiceRegistration<?> withdrawFirst;
    /** A healed partition: compare with the registry at once instead of at the next 15 s pass. */
    private final RegistryListener mergeListener = new RegistryListener() {
        @Override
        public void merged() {
            schedule();
        }
    };

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        this.context = context;
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-route-publisher"));
        fastWorker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-route-publisher-fast"));
        configure(config);
        drain = new DrainOnStop(registry, () -> settings.getDrainTimeoutMs());
        context.addBundleListener(stopping);
        withdrawFirst = context.registerService(new String[] {EventListenerHook.class.getName(), EventHook.class.getName()},
                new WithdrawFirst(served, PROXY_SERVLET_PREFIX), null);
        guardRoutes();
        worker.execute(this::republishAll);
        // a safety net for what no event announces (HttpService registrations, web applications)
        worker.scheduleWithFixedDelay(this::scan, 15, 15, TimeUnit.SECONDS);
        registry.addListener(mergeListener);
    }

    @Modified
    void modified(Map<String, Object> config) {
        configure(config);
        guardRoutes();
        schedule();
    }

    /** On a backend, Jetty answers "not served here" for a route it does not serve now (see NotServedCustomizer). */
    private synchronized void guardRoutes() {
        if (enabled && customizer == null) {
            customizer = context.registerService(HttpConfiguration.Customizer.class, new NotServedCustomizer(served),
                    NotServedCustomizer.serviceProperties());
            TrustedProxies trusted = new TrustedProxies(registry, () -> settings.getTrustedProxies(), System::currentTimeMillis);
            trusted.refreshIfStale(); // the balancers are known before the first request comes
            forwarded = context.registerService(HttpConfiguration.Customizer.class, new TrustedForwardedCustomizer(trusted),
                    TrustedForwardedCustomizer.serviceProperties());
            fallback = context.registerService(Handler.class, new NotServedFallback(), NotServedFallback.serviceProperties());
        } else if (!enabled && customizer != null) {
            customizer.unregister();
            customizer = null;
            fallback.unregister();
            fallback = null;
            forwarded.unregister();
            forwarded = null;
        }
    }

    private void configure(Map<String, Object> config) {
        try {
            BalancerSettings parsed = BalancerSettings.parse(config);
            boolean publish = RoleSwitches.publish(config);
            String advertised = RoleSwitches.advertisedUrl(config);
            settings = parsed;
            enabled = publish;
            advertisedUrl = advertised;
        } catch (InvalidSettingsException e) {
            LOG.error("etc/io.karafha.balancer.cfg: {}; the route publisher keeps its previous settings", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        registry.removeListener(mergeListener);
        context.removeBundleListener(stopping);
        try {
            withdrawFirst.unregister();
        } catch (IllegalStateException gone) {
            LOG.debug("event hook already unregistered");
        }
        synchronized (this) {
            if (customizer != null) {
                try {
                    customizer.unregister();
                } catch (IllegalStateException gone) {
                    LOG.debug("customizer already unregistered");
                }
                customizer = null;
            }
            if (fallback != null) {
                try {
                    fallback.unregister();
                } catch (IllegalStateException gone) {
                    LOG.debug("fallback handler already unregistered");
                }
                fallback = null;
            }
            if (forwarded != null) {
                try {
                    forwarded.unregister();
                } catch (IllegalStateException gone) {
                    LOG.debug("forwarded customizer already unregistered");
                }
                forwarded = null;
            }
        }
        fastWorker.shutdownNow();
        worker.shutdownNow();
        try {
            for (Group group : groupManager.listLocalGroups()) {
                for (String path : published) {
                    registry.withdraw(RouteSpace.of(group), path);
                    sendEvent(group, path);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("could not withdraw routes on stop", e);
        }
    }

    void runtimeChanged(HttpServiceRuntime runtime) {
        schedule();
    }

    /**
     * Pax Web 8 tells its listeners when a servlet is deployed or undeployed, at once. Pax Web waits
     * for this call and drops a listener that throws: hand over and return.
     */
    @Override
    public void registrationEvent(WebElementEvent event) {
        try {
            WebElementEvent.State state = event.getType();
            if (state == WebElementEvent.State.DEPLOYED) {
                served.deployed(LocalRoutes.servletPaths(event.getData()));
            }
            if (state == WebElementEvent.State.DEPLOYED || state == WebElementEvent.State.UNDEPLOYED) {
                fastWorker.execute(this::schedule);
            }
        } catch (RuntimeException e) {
            LOG.debug("web element event not handled", e);
        }
    }

    private synchronized void schedule() {
        if (worker == null || worker.isShutdown() || fastWorker.isShutdown()) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        fastWorker.schedule(this::fastScan, 50, TimeUnit.MILLISECONDS);
        // the runtime changes several times while a bundle registers its servlets: one full pass after
        pending = worker.schedule(this::scan, 200, TimeUnit.MILLISECONDS);
    }

    /** Start: drop whatever an earlier run of this node left, then register anew (at the end of each list). */
    private void republishAll() {
        try {
            for (Group group : groupManager.listLocalGroups()) {
                for (String path : registry.localPaths(RouteSpace.of(group))) {
                    registry.withdraw(RouteSpace.of(group), path);
                }
            }
            scan();
        } catch (RuntimeException e) {
            LOG.error("Routes could not be published: {}", e.toString(), e);
        }
    }

    /** Whiteboard servlets are known from their service properties at once: publish them now. */
    private void fastScan() {
        try {
            Set<String> whiteboard = LocalRoutes.whiteboardPaths(context, PROXY_SERVLET_PREFIX);
            served.registered(whiteboard);
            sync(whiteboard, false);
        } catch (RuntimeException e) {
            LOG.error("Routes could not be published: {}", e.toString(), e);
        }
    }

    private void scan() {
        try {
            // full pass: the HTTP runtime (HttpService and web application servlets too), which can
            // take a second to answer; only this pass withdraws routes
            Set<String> paths = LocalRoutes.whiteboardPaths(context, PROXY_SERVLET_PREFIX);
            served.registered(paths);
            HttpServiceRuntime rt = runtime;
            if (rt != null) {
                Set<String> deployed = LocalRoutes.paths(rt.getRuntimeDTO(), PROXY_SERVLET_PREFIX);
                served.runtime(deployed);
                paths.addAll(deployed);
            }
            sync(paths, true);
        } catch (RuntimeException e) {
            LOG.error("Routes could not be published: {}", e.toString(), e);
        }
    }

    /** Publishes the served paths missing from the registry; with withdraw, removes the others. */
    private synchronized void sync(Set<String> served, boolean withdraw) {
        Set<String> wanted = new TreeSet<>();
        if (enabled) {
            for (String path : served) {
                if (settings.isIncluded(path)) {
                    wanted.add(path);
                }
            }
        }
        String url = advertisedUrl != null ? advertisedUrl : defaultUrl();
        for (Group group : groupManager.listLocalGroups()) {
            // compared with the registry, not with memory: entries pruned while this node was cut off
            // (partition, SIGSTOP) are published again, at the end of the list
            Set<String> registered = new HashSet<>(registry.localPaths(RouteSpace.of(group)));
            for (String path : wanted) {
                if (!registered.contains(path)) {
                    registry.register(RouteSpace.of(group), path, url);
                    sendEvent(group, path);
                    LOG.info("Route {} published: {} serves it at {} (cluster group {})", path, registry.localNodeId(), url, group.getName());
                }
            }
            for (String path : withdraw ? registered : Set.<String>of()) {
                if (!wanted.contains(path)) {
                    registry.withdraw(RouteSpace.of(group), path);
                    sendEvent(group, path);
                    LOG.info("Route {} withdrawn: {} no longer serves it (cluster group {})", path, registry.localNodeId(), group.getName());
                }
            }
        }
        if (withdraw) {
            published.clear();
            published.addAll(wanted);
        }
    }

    private void sendEvent(Group group, String path) {
        RouteEvent event = new RouteEvent(path);
        event.setSourceGroup(group);
        event.setSourceNode(groupManager.getNode());
        producer.produce(event);
    }

    /** http://<this node's cluster address>:<its HTTP port> */
    private String defaultUrl() {
        String host = groupManager.getNode().getHost();
        String port = "8181";
        try {
            Configuration c = configAdmin.getConfiguration("org.ops4j.pax.web", null);
            Object p = c.getProperties() == null ? null : c.getProperties().get("org.osgi.service.http.port");
            if (p != null) {
                port = p.toString().trim();
            }
        } catch (Exception e) {
            LOG.debug("no org.ops4j.pax.web configuration, port 8181", e);
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
