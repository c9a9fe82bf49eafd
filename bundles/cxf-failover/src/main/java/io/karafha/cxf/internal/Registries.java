package io.karafha.cxf.internal;

import java.util.concurrent.TimeUnit;

import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegistryUnavailableException;

/** Waits for a usable registry: the given one, or the OSGi service, until the maximum wait. */
public final class Registries {

    private Registries() {
    }

    /**
     * @param given       the registry the feature was given, or null to look for the OSGi service
     * @param maxWaitMillis how long to wait in all (the Fabric feature's maximumConnectionTimeout)
     * @param pauseMillis how long to pause between attempts (connectionRetryTime)
     * @param what        what waits, for the error message (e.g. "CXF client of demo/fo")
     * @throws RegistryUnavailableException after the maximum wait
     */
    public static EndpointRegistry await(EndpointRegistry given, long maxWaitMillis, long pauseMillis, String what) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        long pause = Math.max(1, pauseMillis);
        try {
            EndpointRegistry registry = given;
            if (registry == null) {
                try {
                    registry = RegistryLookup.await(deadline, pause);
                } catch (LinkageError noOsgi) {
                    throw new IllegalArgumentException(what + ": no 'registry' was set and there is no OSGi framework to find one in");
                }
                if (registry == null) {
                    throw new RegistryUnavailableException(what + ": no cluster registry (OSGi service "
                            + EndpointRegistry.class.getName() + ", feature ha-cxf-failover on a Cellar node) within "
                            + maxWaitMillis + " ms (maximumConnectionTimeout), looked every " + pause + " ms");
                }
            }
            while (!registry.isAvailable()) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new RegistryUnavailableException(what + ": the cluster registry was not reachable within "
                            + maxWaitMillis + " ms (maximumConnectionTimeout), tried every " + pause + " ms");
                }
                Thread.sleep(pause);
            }
            return registry;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(what + ": interrupted while waiting for the cluster registry", e);
        }
    }
}
