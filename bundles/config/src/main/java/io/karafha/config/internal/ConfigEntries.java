package io.karafha.config.internal;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The values kept in the cluster map, one per PID, as plain JDK types (a HashMap) so any node can
 * read them whatever bundles it has: {@code version} (long, +1 per change), {@code origin} (node id),
 * {@code deleted} (boolean) and {@code properties} (the synchronised properties).
 */
final class ConfigEntries {

    static final String VERSION = "version";
    static final String ORIGIN = "origin";
    static final String DELETED = "deleted";
    static final String PROPERTIES = "properties";

    /** Properties that describe where a configuration lives on one node: never synchronised. */
    static final Set<String> NODE_LOCAL = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", "felix.fileinstall.dir", "felix.fileinstall.tmpdir",
            "karaf.cellar.filename", "karaf.cellar.content", "karaf.cellar.removed");

    private ConfigEntries() {
    }

    static Map<String, Object> entry(long version, String origin, Map<String, Object> properties) {
        Map<String, Object> entry = new HashMap<>();
        entry.put(VERSION, version);
        entry.put(ORIGIN, origin);
        entry.put(DELETED, properties == null);
        entry.put(PROPERTIES, properties == null ? new HashMap<String, Object>() : new HashMap<>(properties));
        return entry;
    }

    static long version(Map<String, Object> entry) {
        return entry == null ? 0L : ((Number) entry.get(VERSION)).longValue();
    }

    static boolean deleted(Map<String, Object> entry) {
        return entry != null && Boolean.TRUE.equals(entry.get(DELETED));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> entry) {
        return entry == null || deleted(entry) ? null : (Map<String, Object>) entry.get(PROPERTIES);
    }

    /** The properties worth synchronising: without node-local keys and the excluded ones. */
    static Map<String, Object> filter(Dictionary<String, ?> dictionary, Collection<String> excluded) {
        if (dictionary == null) {
            return null;
        }
        Map<String, Object> result = new TreeMap<>();
        for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!NODE_LOCAL.contains(key) && !excluded.contains(key)) {
                result.put(key, dictionary.get(key));
            }
        }
        return result;
    }

    /** Same properties, comparing array values by content; null means "no configuration". */
    static boolean same(Map<String, Object> a, Map<String, Object> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!Objects.deepEquals(normalise(e.getValue()), normalise(b.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    /** Values read back from a cfg file are strings: compare scalars by their text. */
    private static Object normalise(Object value) {
        if (value != null && value.getClass().isArray()) {
            Object[] items = new Object[Array.getLength(value)];
            for (int i = 0; i < items.length; i++) {
                items[i] = normalise(Array.get(value, i));
            }
            return items;
        }
        return value == null ? null : value.toString();
    }
}
