package io.karafha.features.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The values kept in the cluster map, one per {@link SyncKey}, as plain JDK types (a HashMap) so any
 * node can read them on any thread whatever its class loader: {@code version} (long, +1 per change),
 * {@code origin} (the node id that made the change) and {@code installed} (false: a tombstone, the
 * feature was uninstalled or the repository removed).
 */
final class FeatureEntries {

    static final String VERSION = "version";
    static final String ORIGIN = "origin";
    static final String INSTALLED = "installed";

    private FeatureEntries() {
    }

    static HashMap<String, Object> entry(long version, String origin, boolean installed) {
        HashMap<String, Object> entry = new HashMap<>();
        entry.put(VERSION, version);
        entry.put(ORIGIN, origin);
        entry.put(INSTALLED, installed);
        return entry;
    }

    static long version(Map<String, Object> entry) {
        return entry == null ? 0L : ((Number) entry.get(VERSION)).longValue();
    }

    static boolean installed(Map<String, Object> entry) {
        return entry != null && Boolean.TRUE.equals(entry.get(INSTALLED));
    }

    static String origin(Map<String, Object> entry) {
        return entry == null ? null : String.valueOf(entry.get(ORIGIN));
    }
}
