package io.karafha.features.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this node last agreed with the cluster, per group and {@link SyncKey}: the state (installed
 * or not) it applied from, or published to, the group's map, and the highest map version it has
 * applied. Kept in a file of the bundle's data folder, so a restarted or refreshed synchroniser can
 * still tell a change made on this node while it was away (push it) from a change made in the cluster
 * meanwhile (apply it).
 */
final class SyncState {

    /** What to do with one key. */
    enum Action { NONE, PUSH, APPLY }

    private final Map<String, Boolean> known = new HashMap<>();
    private final Map<String, Long> applied = new HashMap<>();
    private final Path file;

    SyncState(Path file) {
        this.file = file;
    }

    /**
     * On joining (start, restart, partition healed): a key whose local state differs from what this
     * node last agreed was changed here meanwhile and is pushed; otherwise the cluster's state wins
     * where it differs; a key the cluster does not have is pushed when installed here.
     */
    static Action onJoin(boolean local, Boolean known, Map<String, Object> entry) {
        if (known != null && local != known) {
            return Action.PUSH;
        }
        if (entry == null) {
            return local ? Action.PUSH : Action.NONE;
        }
        return FeatureEntries.installed(entry) == local ? Action.NONE : Action.APPLY;
    }

    /**
     * After a local feature or repository event: push a key whose local state is no longer what this
     * node last agreed; a key this node never agreed on is pushed only when installed here. Applying
     * a cluster change updates the agreed state first, so its own feature events are no change.
     */
    static Action onLocal(boolean local, Boolean known) {
        if (known == null) {
            return local ? Action.PUSH : Action.NONE;
        }
        return known == local ? Action.NONE : Action.PUSH;
    }

    Boolean known(String group, String key) {
        return known.get(group + "|" + key);
    }

    long applied(String group, String key) {
        return applied.getOrDefault(group + "|" + key, 0L);
    }

    void remember(String group, String key, boolean installed, long version) {
        known.put(group + "|" + key, installed);
        applied.merge(group + "|" + key, version, Math::max);
    }

    /** The keys of a group this node has agreed on. */
    Set<String> keys(String group) {
        Set<String> keys = new TreeSet<>();
        String prefix = group + "|";
        known.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(k -> keys.add(k.substring(prefix.length())));
        return keys;
    }

    void load() throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        for (String name : p.stringPropertyNames()) {
            String[] value = p.getProperty(name).split(",", 2);
            if (value.length == 2) {
                known.put(name, Boolean.parseBoolean(value[0]));
                applied.put(name, Long.parseLong(value[1]));
            }
        }
    }

    /** Written whole beside the file, then moved over it: a crash never leaves half a state. */
    void save() throws IOException {
        if (file == null) {
            return;
        }
        Properties p = new Properties();
        known.forEach((k, v) -> p.setProperty(k, v + "," + applied.getOrDefault(k, 0L)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "io.karafha.features: state agreed with the cluster, per group|key = installed,version");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
