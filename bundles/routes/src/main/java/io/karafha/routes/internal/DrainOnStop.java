package io.karafha.routes.internal;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.karafha.routes.RouteSpace;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegisteredEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend (called by the route publisher): when the framework starts to stop (SIGTERM, {@code docker stop}, {@code bin/stop},
 * {@code system:shutdown}), before any application or Pax Web stops, the node marks itself draining
 * in the registry and waits until every balancer has taken it out of its routes and finished the
 * requests it had in flight to it, at most {@code drain.timeout.ms}. Then the shutdown goes on.
 */
final class DrainOnStop {

    private static final Logger LOG = LoggerFactory.getLogger(DrainOnStop.class);

    private final EndpointRegistry registry;
    private final LongSupplier timeoutMs;

    DrainOnStop(EndpointRegistry registry, LongSupplier timeoutMs) {
        this.registry = registry;
        this.timeoutMs = timeoutMs;
    }

    void drain() {
        long timeout = timeoutMs.getAsLong();
        long start = System.nanoTime();
        try {
            String self = registry.localNodeId();
            Set<String> balancers = balancers(self);
            LOG.info("Stopping: draining this node; waiting up to {} ms for the balancers {} to take it out",
                    timeout, names(balancers));
            registry.setDraining(true);
            Set<String> missing = new TreeSet<>(balancers);
            while (!missing.isEmpty() && elapsed(start) < timeout) {
                Thread.sleep(20);
                missing.removeAll(registry.drainAcknowledgements(self));
                missing.retainAll(registry.memberIds());   // a balancer that left does not hold the stop
            }
            if (missing.isEmpty()) {
                LOG.info("Drained in {} ms: no balancer sends this node requests any more", elapsed(start));
            } else {
                LOG.warn("Drain timed out after {} ms (drain.timeout.ms): no answer from {}; stopping anyway",
                        elapsed(start), names(missing));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Drain interrupted after {} ms; stopping", elapsed(start));
        } catch (RuntimeException e) {
            LOG.warn("Drain not possible ({}); stopping without it", e.toString());
        }
    }

    private Set<String> balancers(String self) {
        Set<String> nodes = new TreeSet<>();
        for (RegisteredEndpoint e : registry.endpoints(RouteSpace.BALANCERS, RouteSpace.BALANCERS_PATH)) {
            if (!e.getNodeId().equals(self)) {
                nodes.add(e.getNodeId());
            }
        }
        return nodes;
    }

    private Set<String> names(Set<String> nodes) {
        Set<String> names = new TreeSet<>();
        nodes.forEach(n -> names.add(registry.nodeNames().getOrDefault(n, n)));
        return names;
    }

    private static long elapsed(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
