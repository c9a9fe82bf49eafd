package io.karafha.routes.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.karafha.routes.RouteSpace;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegisteredEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend: the IP addresses whose forwarded headers are honoured. The configured
 * {@code trusted.proxies} if any; else the addresses of the cluster's balancers, read from the
 * registry (space {@value RouteSpace#BALANCERS}, node id "host:port") at most every
 * {@value #REFRESH_MS} ms, keeping the last good answer if the registry cannot be read.
 * <p>
 * The registry is read on a thread of its own, never on a request thread: a read waits for the
 * Hazelcast member that owns the entry, and a hung member (SIGSTOP) held every request of this
 * backend for seconds while the balancer's response timeout ran out (FailoverIT d_: 502, then a
 * client timeout, where the follower should have answered at once).
 */
final class TrustedProxies {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedProxies.class);
    static final long REFRESH_MS = 2000;

    private final EndpointRegistry registry;
    private final Supplier<List<String>> configured;
    private final LongSupplier clockMs;
    private volatile Set<String> balancers = Set.of();
    private volatile long readAt = Long.MIN_VALUE;
    private final AtomicBoolean reading = new AtomicBoolean();

    TrustedProxies(EndpointRegistry registry, Supplier<List<String>> configured, LongSupplier clockMs) {
        this.registry = registry;
        this.configured = configured;
        this.clockMs = clockMs;
    }

    boolean isTrusted(String address) {
        if (address == null) {
            return false;
        }
        List<String> fixed = configured.get();
        if (!fixed.isEmpty()) {
            return fixed.contains(normalise(address));
        }
        return balancers().contains(normalise(address));
    }

    private Set<String> balancers() {
        refreshIfStale();
        return balancers;
    }

    /** Starts a read of the registry on its own thread when the last one is older than {@value #REFRESH_MS} ms. */
    void refreshIfStale() {
        long now = clockMs.getAsLong();
        if ((readAt == Long.MIN_VALUE || now - readAt >= REFRESH_MS) && reading.compareAndSet(false, true)) {
            readAt = now;
            Thread t = new Thread(this::read, "karaf-ha-trusted-proxies");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Reads the balancers' addresses from the registry (may wait on a hung member: own thread). */
    void read() {
        try {
            Set<String> found = new TreeSet<>();
            for (RegisteredEndpoint e : registry.endpoints(RouteSpace.BALANCERS, RouteSpace.BALANCERS_PATH)) {
                String ip = host(e.getNodeId());
                if (ip != null) {
                    found.add(ip);
                }
            }
            if (!found.equals(balancers)) {
                LOG.info("Forwarded headers trusted from the cluster's balancers: {}", found);
            }
            balancers = Set.copyOf(found);
        } catch (RuntimeException e) {
            LOG.debug("Balancer addresses not read ({}); keeping {}", e.toString(), balancers);
        } finally {
            reading.set(false);
        }
    }

    /** @return the IP address of a node id "host:port" ("[v6]:port" too), or null */
    static String host(String nodeId) {
        int colon = nodeId == null ? -1 : nodeId.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String h = nodeId.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        try {
            return InetAddress.getByName(h).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static String normalise(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (a.indexOf(':') >= 0) {
            try {
                return InetAddress.getByName(a).getHostAddress(); // IPv6 literal: one spelling
            } catch (UnknownHostException e) {
                return a;
            }
        }
        return a;
    }
}
