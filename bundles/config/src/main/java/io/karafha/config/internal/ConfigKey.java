package io.karafha.config.internal;

import java.net.URI;
import java.nio.file.Paths;
import java.util.Objects;

/**
 * How a configuration is named in the cluster: a singleton by its PID, a factory configuration by
 * {@code factoryPid~name}, where the name is stable across nodes: the base name of its cfg file
 * ({@code etc/<factoryPid>-<name>.cfg}, as {@code config:edit --factory --alias <name>} and a dropped
 * file give it) or the name of an R7 named factory configuration ({@code <factoryPid>~<name>}). The
 * node-local PID that ConfigAdmin generates for a factory configuration never leaves the node.
 */
final class ConfigKey {

    static final char SEPARATOR = '~';

    private final String factoryPid;
    private final String id;

    private ConfigKey(String factoryPid, String id) {
        this.factoryPid = factoryPid;
        this.id = id;
    }

    static ConfigKey singleton(String pid) {
        return new ConfigKey(null, pid);
    }

    static ConfigKey factory(String factoryPid, String name) {
        if (factoryPid == null || factoryPid.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("A factory configuration needs a factory PID and a name, got '"
                    + factoryPid + "' and '" + name + "'");
        }
        return new ConfigKey(factoryPid, name);
    }

    /** The key of a cluster map entry: {@code pid} or {@code factoryPid~name}. */
    static ConfigKey parse(String key) {
        int at = key.indexOf(SEPARATOR);
        return at > 0 && at < key.length() - 1 ? factory(key.substring(0, at), key.substring(at + 1)) : singleton(key);
    }

    /**
     * The key of a local configuration, or null for a factory configuration that has no stable name
     * (created through ConfigAdmin without a name and without a cfg file): it stays on its node.
     */
    static ConfigKey of(String pid, String factoryPid, Object fileName) {
        if (factoryPid == null) {
            return singleton(pid);
        }
        String name = nameFromFile(factoryPid, fileName);
        if (name == null && pid.startsWith(factoryPid + SEPARATOR) && pid.length() > factoryPid.length() + 1) {
            name = pid.substring(factoryPid.length() + 1);
        }
        return name == null ? null : factory(factoryPid, name);
    }

    private static String nameFromFile(String factoryPid, Object fileName) {
        if (fileName == null) {
            return null;
        }
        try {
            String base = Paths.get(URI.create(fileName.toString())).getFileName().toString();
            int dot = base.lastIndexOf('.');
            base = dot > 0 ? base.substring(0, dot) : base;
            String prefix = factoryPid + "-";
            return base.startsWith(prefix) && base.length() > prefix.length() ? base.substring(prefix.length()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    boolean isFactory() {
        return factoryPid != null;
    }

    /** The PID of a singleton, the factory PID of a factory configuration: what group lists name. */
    String basePid() {
        return isFactory() ? factoryPid : id;
    }

    /** The stable name of a factory configuration. */
    String name() {
        return isFactory() ? id : null;
    }

    /** The file a configuration new to this node is written to, as Karaf names it. */
    String fileName() {
        return isFactory() ? factoryPid + "-" + id + ".cfg" : id + ".cfg";
    }

    @Override
    public String toString() {
        return isFactory() ? factoryPid + SEPARATOR + id : id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigKey && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toString());
    }
}
