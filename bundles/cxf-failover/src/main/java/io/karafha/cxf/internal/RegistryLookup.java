package io.karafha.cxf.internal;

import io.karafha.registry.EndpointRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * Finds the registry OSGi service when a feature was not given one, waiting for it until a
 * deadline. Loaded only when needed, so the features also work without OSGi.
 */
final class RegistryLookup {

    private RegistryLookup() {
    }

    /** @return the service, or null at the deadline (or outside OSGi) */
    static EndpointRegistry await(long deadlineNanos, long pauseMillis) throws InterruptedException {
        Bundle bundle = FrameworkUtil.getBundle(RegistryLookup.class);
        BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            return null;
        }
        while (true) {
            ServiceReference<EndpointRegistry> ref = context.getServiceReference(EndpointRegistry.class);
            EndpointRegistry registry = ref == null ? null : context.getService(ref);
            if (registry != null) {
                return registry;
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return null;
            }
            Thread.sleep(pauseMillis);
        }
    }
}
