package io.karafha.operations.internal.jmx;

import javax.management.openmbean.TabularData;

/**
 * The balancer over JMX, {@code io.karafha:type=balancer}: the same data and operations as the
 * karaf-ha:* shell commands. Open types only, so jconsole and Jolokia show every value.
 */
public interface BalancerMBean {

    /** @return balancer, backend or none */
    String getRole();

    /** @return this node's name and cluster id, e.g. {@code balancer (127.0.0.1:5701)} */
    String getNode();

    /** @return one row per route: path, policy, master, requests, failures, failovers (balancer) */
    TabularData getRoutes();

    /** @return one row per endpoint of every route, in order: path, position, node, url, state, until, reason, master, counters */
    TabularData getEndpoints();

    /** @return the routes this node publishes, as {@code path url group position/of} lines (backend) */
    String[] getPublished();

    /** @return cluster members as {@code name id groups} lines */
    String[] getNodes();

    /** The nodes draining now (a graceful stop in progress): no balancer sends them new requests. */
    String[] getDrainingNodes();

    /** @return every setting in force as {@code key = value} */
    String[] getSettings();

    /** Drain an endpoint (node name, node id or URL) of a path ({@code *}: every path); returns what changed. */
    String[] drain(String path, String endpoint);

    /** Restore a drained endpoint; returns what changed. */
    String[] restore(String path, String endpoint);

    /** Change one setting with the cfg file's validation, in one write; an empty value restores the default. */
    String setSetting(String key, String value) throws Exception;
}
