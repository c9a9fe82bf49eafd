package io.karafha.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.felix.utils.properties.TypedProperties;

/**
 * Writes cfg files whole: the new content goes to a hidden file beside it (a name fileinstall's
 * filter ignores), which is then moved over the cfg file in one step.
 *
 * <p>Karaf's {@code ConfigRepository} and fileinstall's write-back both truncate the cfg file and
 * then write it. Fileinstall polls etc/ every second and applies a changed cfg file to ConfigAdmin;
 * a poll that reads the file between the truncation and the end of the write applies an empty or
 * partial configuration, after the command's own update, and writes it back to the file, where the
 * next {@code config:property-set} reads it (measured: 7 of 10 keys lost after one such read).
 */
final class CfgFiles {

    /** Keys that say where a configuration lives; fileinstall never writes them from ConfigAdmin. */
    static final Set<String> NOT_WRITTEN = Set.of("service.pid", "service.factoryPid", LocalConfigs.FILENAME);

    private CfgFiles() {
    }

    /** The file holds exactly these properties (its comments and order kept), written whole. */
    static void write(Path file, Map<String, Object> properties) throws IOException {
        TypedProperties props = load(file);
        props.putAll(properties);
        props.keySet().retainAll(properties.keySet());
        save(file, props);
    }

    /** As fileinstall's write-back: the file gets ConfigAdmin's properties, written whole. */
    static void writeFrom(Path file, Dictionary<String, Object> dict) throws IOException {
        Map<String, Object> wanted = new HashMap<>();
        for (Enumeration<String> keys = dict.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!NOT_WRITTEN.contains(key)) {
                wanted.put(key, dict.get(key));
            }
        }
        TypedProperties props = load(file);
        for (String key : props.keySet().toArray(new String[0])) {
            if (!wanted.containsKey(key) && !NOT_WRITTEN.contains(key)) {
                props.remove(key);
            }
        }
        props.putAll(wanted);
        save(file, props);
    }

    /** The file and ConfigAdmin hold the same properties (node-local keys left out). */
    static boolean sameAs(Path file, Dictionary<String, Object> dict) throws IOException {
        TypedProperties props = load(file);
        Map<String, Object> onDisk = new HashMap<>();
        props.forEach((k, v) -> {
            if (!NOT_WRITTEN.contains(k)) {
                onDisk.put(k, v);
            }
        });
        Map<String, Object> inAdmin = new HashMap<>();
        for (Enumeration<String> keys = dict.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!NOT_WRITTEN.contains(key)) {
                inAdmin.put(key, dict.get(key));
            }
        }
        return ConfigEntries.same(onDisk, inAdmin);
    }

    static TypedProperties load(Path file) throws IOException {
        TypedProperties props = new TypedProperties();
        if (Files.isRegularFile(file)) {
            props.load(file.toFile());
        }
        return props;
    }

    private static void save(Path file, TypedProperties props) throws IOException {
        Path aside = file.resolveSibling("." + file.getFileName() + ".karaf-ha.tmp");
        props.save(aside.toFile());
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
