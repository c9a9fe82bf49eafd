package io.karafha.config.internal;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.UnaryOperator;

/**
 * The configurations of a cluster group as the synchroniser keeps them, for the
 * {@code cluster:config-*} shell commands. Keys are PIDs, or {@code factoryPid~name} for factory
 * configurations. Every method refuses an unknown group with an {@link IllegalArgumentException}
 * that names it; a change also refuses a PID the group's outbound lists exclude.
 */
public interface ClusterConfigs {

    /** The cluster groups, local or not. */
    Set<String> groupNames();

    /** The group's configurations in the cluster (deleted ones left out), by key. */
    SortedMap<String, Map<String, Object>> cluster(String group);

    /** This node's configurations that have a cluster key, by key. */
    SortedMap<String, Map<String, Object>> local();

    /** Whether the group's lists let the configuration in (inbound) or out (outbound). */
    boolean allowed(String group, String key, boolean outbound);

    /**
     * Changes the group's configuration in the cluster: the edit gets the current properties (empty
     * when there are none) and returns the new ones, or null to delete the configuration. The result
     * is a new version, sent to the group's members, and applied on this node too when it is one.
     *
     * @return the new version
     */
    long change(String group, String key, UnaryOperator<Map<String, Object>> edit);
}
