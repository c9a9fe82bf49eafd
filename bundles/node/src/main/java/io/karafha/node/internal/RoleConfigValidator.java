package io.karafha.node.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a node's Cellar role configuration ({@code etc/org.apache.karaf.cellar.node.cfg} and
 * {@code etc/org.apache.karaf.cellar.groups.cfg}) and returns one message per problem, each naming
 * the file and the key. Cellar itself reads {@code handler.X = maybe} as {@code false} and joins a
 * group nobody configured without a word; this is what tells the user.
 */
public final class RoleConfigValidator {

    public static final String NODE_PID = "org.apache.karaf.cellar.node";
    public static final String GROUPS_PID = "org.apache.karaf.cellar.groups";
    static final String NODE_FILE = "etc/" + NODE_PID + ".cfg";
    static final String GROUPS_FILE = "etc/" + GROUPS_PID + ".cfg";

    /** The handler flags of the role table (DESIGN.md), by fully qualified class name. */
    public static final List<String> ROLE_TABLE_HANDLERS = List.of(
            "org.apache.karaf.cellar.bundle.BundleEventHandler",
            "org.apache.karaf.cellar.config.ConfigurationEventHandler",
            "org.apache.karaf.cellar.features.FeaturesEventHandler",
            "org.apache.karaf.cellar.dosgi.RemoteServiceCallHandler",
            "org.apache.karaf.cellar.event.ClusterEventHandler",
            "org.apache.karaf.cellar.obr.ObrBundleEventHandler",
            "org.apache.karaf.cellar.obr.ObrUrlEventHandler",
            "io.karafha.balancer.BalancerEventHandler");

    /** Handlers that exist but are not in the role table (Cellar's own, uninstallable HTTP balancer). */
    static final Set<String> OTHER_KNOWN_HANDLERS = Set.of(
            "org.apache.karaf.cellar.http.balancer.BalancerEventHandler",
            "org.apache.karaf.cellar.kar.KarEventHandler");

    static final List<String> BOOLEAN_KEYS = List.of(
            "producer", "consumer", "bundle.listener", "config.listener", "feature.listener");

    private static final Set<String> SYNC_POLICIES = Set.of("disabled", "cluster", "node", "clusterOnly", "nodeOnly");

    private RoleConfigValidator() {
    }

    /**
     * @param node            properties of {@code org.apache.karaf.cellar.node}, or null when absent
     * @param groups          properties of {@code org.apache.karaf.cellar.groups}, or null when absent
     * @param installedHandlers class names of the Cellar event handlers running on this node
     * @return one message per problem; empty when the configuration is sound
     */
    public static List<String> validate(Map<String, ?> node, Map<String, ?> groups, Collection<String> installedHandlers) {
        List<String> problems = new ArrayList<>();
        if (node == null) {
            problems.add(NODE_FILE + ": missing; Cellar runs with its defaults (group 'default', all handlers on)");
            node = Collections.emptyMap();
        }
        for (String key : BOOLEAN_KEYS) {
            Object value = node.get(key);
            if (value == null) {
                problems.add(NODE_FILE + ": key '" + key + "' is not set; expected true or false");
            } else if (!isBoolean(value)) {
                problems.add(NODE_FILE + ": key '" + key + "' has value '" + value + "', expected true or false");
            }
        }
        Set<String> knownHandlers = new TreeSet<>(ROLE_TABLE_HANDLERS);
        knownHandlers.addAll(OTHER_KNOWN_HANDLERS);
        knownHandlers.addAll(installedHandlers);
        for (String key : new TreeSet<>(node.keySet())) {
            if (!key.startsWith("handler.")) {
                continue;
            }
            String handler = key.substring("handler.".length());
            Object value = node.get(key);
            if (!isBoolean(value)) {
                problems.add(NODE_FILE + ": key '" + key + "' has value '" + value
                        + "', expected true or false; Cellar treats it as false");
            }
            if (!knownHandlers.contains(handler)) {
                problems.add(NODE_FILE + ": key '" + key + "' names an unknown event handler '" + handler
                        + "'; known handlers: " + String.join(", ", knownHandlers));
            }
        }
        for (String handler : ROLE_TABLE_HANDLERS) {
            if (!node.containsKey("handler." + handler)) {
                problems.add(NODE_FILE + ": key 'handler." + handler + "' is not set; the role table sets every handler flag");
            }
        }

        Set<String> memberOf = split(node.get("groups"));
        if (memberOf.isEmpty()) {
            problems.add(NODE_FILE + ": key 'groups' is empty; the node is in no cluster group");
        }
        Set<String> configured = configuredGroups(groups);
        if (groups == null) {
            problems.add(GROUPS_FILE + ": missing; no cluster group has sync rules");
        } else {
            for (String group : memberOf) {
                if (!configured.contains(group)) {
                    problems.add(NODE_FILE + ": key 'groups' names group '" + group + "' that does not exist in "
                            + GROUPS_FILE + " (configured groups: " + String.join(", ", configured) + ")");
                }
            }
            for (String key : new TreeSet<>(groups.keySet())) {
                if (key.endsWith(".sync") && !SYNC_POLICIES.contains(String.valueOf(groups.get(key)).trim())) {
                    problems.add(GROUPS_FILE + ": key '" + key + "' has value '" + groups.get(key)
                            + "', expected one of " + new TreeSet<>(SYNC_POLICIES));
                }
            }
        }
        return problems;
    }

    /** Groups that have sync rules in the groups configuration: those listed in 'groups' or with a '&lt;group&gt;.' key. */
    static Set<String> configuredGroups(Map<String, ?> groups) {
        Set<String> result = new TreeSet<>();
        if (groups == null) {
            return result;
        }
        result.addAll(split(groups.get("groups")));
        for (String key : groups.keySet()) {
            int dot = key.indexOf('.');
            if (dot > 0 && !key.startsWith("felix.") && !key.startsWith("service.") && !key.startsWith("component.")) {
                String group = key.substring(0, dot);
                if (key.endsWith(".sync") || key.contains(".whitelist.") || key.contains(".blacklist.")) {
                    result.add(group);
                }
            }
        }
        return result;
    }

    static boolean isBoolean(Object value) {
        if (value instanceof Boolean) {
            return true;
        }
        String s = String.valueOf(value).trim();
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    static Set<String> split(Object value) {
        Set<String> result = new LinkedHashSet<>();
        if (value == null) {
            return result;
        }
        for (String part : Arrays.asList(String.valueOf(value).split(","))) {
            if (!part.isBlank()) {
                result.add(part.trim());
            }
        }
        return result;
    }
}
