package io.karafha.routes.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Validation of the structured balancer settings; each rule names the key when it rejects. */
final class SettingsRules {

    private SettingsRules() {
    }

    static Policy policy(String key, String text) {
        try {
            return Policy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(key, text, "failover or round-robin");
        }
    }

    /** Parses {@code path=policy} entries; paths start with '/', each path at most once. */
    static Map<String, Policy> routePolicies(String key, List<String> entries) {
        Map<String, Policy> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String path = eq < 0 ? "" : entry.substring(0, eq).trim();
            if (eq < 0 || !path.startsWith("/")) {
                throw new InvalidSettingsException(key, entry, "path=policy pairs with a path starting with '/', "
                        + "e.g. /hello=round-robin, /api=failover");
            }
            String policyText = entry.substring(eq + 1).trim();
            Policy p;
            try {
                p = Policy.parse(policyText);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingsException(key, entry, "failover or round-robin after '='");
            }
            if (out.putIfAbsent(path, p) != null) {
                throw new InvalidSettingsException(key, entry, "each path at most once");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    static String formatRoutePolicies(Map<String, Policy> policies) {
        List<String> parts = new ArrayList<>();
        policies.forEach((path, p) -> parts.add(path + "=" + p.configValue()));
        return String.join(",", parts);
    }

    /** Checks fully qualified Java class names; at least one is required. */
    static List<String> classNames(String key, List<String> names) {
        if (names.isEmpty()) {
            throw new InvalidSettingsException(key, "", "at least one exception class name, e.g. java.net.ConnectException");
        }
        for (String name : names) {
            if (!isQualifiedClassName(name)) {
                throw new InvalidSettingsException(key, name,
                        "fully qualified class names separated by ';', e.g. java.net.ConnectException");
            }
        }
        return List.copyOf(names);
    }

    static boolean isQualifiedClassName(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length < 2) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))
                    || !part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    /** Parses HTTP statuses 500-599; a single entry {@code none} means no status fails over. */
    static Set<Integer> statuses(String key, List<String> entries) {
        Set<Integer> out = new TreeSet<>();
        if (entries.size() == 1 && entries.get(0).equalsIgnoreCase("none")) {
            return Collections.unmodifiableSet(out);
        }
        for (String entry : entries) {
            int status;
            try {
                status = Integer.parseInt(entry);
            } catch (NumberFormatException e) {
                status = -1;
            }
            if (status < 500 || status > 599) {
                throw new InvalidSettingsException(key, entry,
                        "comma-separated HTTP status codes from 500 to 599, or none");
            }
            out.add(status);
        }
        return Collections.unmodifiableSet(out);
    }

    /** @return the IP literals normalised (no host names: a backend must not do DNS per request) */
    static List<String> addresses(String key, List<String> entries) {
        List<String> out = new java.util.ArrayList<>();
        for (String e : entries) {
            String literal = e.startsWith("[") && e.endsWith("]") ? e.substring(1, e.length() - 1) : e;
            if (!literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !literal.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw new InvalidSettingsException(key, e, "IP addresses separated by commas, e.g. 127.0.0.1,::1");
            }
            try {
                out.add(java.net.InetAddress.getByName(literal).getHostAddress());
            } catch (java.net.UnknownHostException x) {
                throw new InvalidSettingsException(key, e, "IP addresses separated by commas, e.g. 127.0.0.1,::1");
            }
        }
        return List.copyOf(out);
    }
}
