package io.karafha.routes.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

import io.karafha.routes.LocalRoutes;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.bundle.EventHook;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.ListenerHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a route out of {@link ServedPaths} before anyone else hears that its servlet goes away: an
 * application bundle starting to stop, a whiteboard servlet service unregistering, or Pax Web's
 * {@code HttpServiceRuntime} unregistering (Pax Web is about to stop its Jetty server and build a new
 * one, as when a Jetty {@code Handler} service comes or goes).
 * <p>
 * Listeners cannot do it. Felix (7.0.5 in Karaf 4.4.10) calls the listeners of one event bundle by
 * bundle in the order of a {@code HashMap} keyed by identity hash codes, so from one boot to the next
 * Pax Web's whiteboard tracker (which removes the servlet from Jetty) or SCR (which disposes the
 * application's components on STOPPING) may run before this bundle's listener; for those 50-100 ms the
 * backend answered the balancer Jetty's 404 instead of "not served here". The framework calls event
 * hooks before it delivers the event to any listener.
 * <p>
 * Hooks run for every service and bundle event of the framework: this one only looks at the event
 * and never throws.
 */
final class WithdrawFirst implements EventListenerHook, EventHook {

    private static final Logger LOG = LoggerFactory.getLogger(WithdrawFirst.class);
    private static final String PATTERN = "osgi.http.whiteboard.servlet.pattern";
    private static final String HTTP_RUNTIME = "org.osgi.service.http.runtime.HttpServiceRuntime";

    private final ServedPaths served;
    private final String proxyServletPrefix;

    WithdrawFirst(ServedPaths served, String proxyServletPrefix) {
        this.served = served;
        this.proxyServletPrefix = proxyServletPrefix;
    }

    /** A bundle event, before any bundle listener: an application starting to stop serves nothing more. */
    @Override
    public void event(BundleEvent event, Collection<BundleContext> contexts) {
        if (event.getType() != BundleEvent.STOPPING || event.getBundle().getBundleId() == 0) {
            return;
        }
        try {
            served.withdrawNow(LocalRoutes.whiteboardPaths(event.getBundle().getRegisteredServices(), proxyServletPrefix));
        } catch (RuntimeException e) {
            LOG.debug("bundle event not handled: {}", e.toString());
        }
    }

    /** A service event, before any service listener: a whiteboard servlet going away is not served from now. */
    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerHook.ListenerInfo>> listeners) {
        if (event.getType() != ServiceEvent.UNREGISTERING) {
            return;
        }
        ServiceReference<?> ref = event.getServiceReference();
        try {
            if (ref.getProperty(PATTERN) != null) {
                served.withdrawNow(LocalRoutes.whiteboardPaths(new ServiceReference<?>[] {ref}, proxyServletPrefix));
            } else if (isHttpRuntime(ref)) {
                // Pax Web stops its Jetty server to build a new one (a Handler service came or went):
                // every servlet is gone until the whiteboard has deployed it on the new server
                served.withdrawAllRegistered();
            }
        } catch (RuntimeException e) {
            LOG.debug("service event not handled: {}", e.toString());
        }
    }

    private static boolean isHttpRuntime(ServiceReference<?> ref) {
        Object classes = ref.getProperty(Constants.OBJECTCLASS);
        return classes instanceof String[] && Arrays.asList((String[]) classes).contains(HTTP_RUNTIME);
    }
}
