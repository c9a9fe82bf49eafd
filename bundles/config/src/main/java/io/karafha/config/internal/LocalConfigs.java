package io.karafha.config.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.felix.utils.properties.TypedProperties;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * This node's configurations, found by {@link ConfigKey}, read without node-local properties and
 * written the way Karaf's own config commands write them: the cfg file first, then ConfigAdmin.
 *
 * <p>The order matters. Fileinstall applies a cfg file to ConfigAdmin when it sees the file changed
 * (etc/ is polled every second) and writes ConfigAdmin's content back to the file after each update.
 * Updating ConfigAdmin first leaves the file behind it until fileinstall's write-back: fileinstall's
 * poll can read that older file in between and put it back into ConfigAdmin, and Karaf's
 * {@code config:property-*} commands, which read the file, not ConfigAdmin, then build the next edit
 * on it. A file that is always written first (and whole: written aside, then moved in place) is never
 * older than ConfigAdmin.
 */
final class LocalConfigs {

    static final String FILENAME = "felix.fileinstall.filename";

    private final ConfigurationAdmin configAdmin;
    private final Path etc;

    LocalConfigs(ConfigurationAdmin configAdmin, Path etc) {
        this.configAdmin = configAdmin;
        this.etc = etc;
    }

    /** The key of the configuration with this node-local PID, or null when it has none (or is gone). */
    ConfigKey keyOf(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + escape(pid) + ")");
        return found == null || found.length == 0 ? null : keyOf(found[0]);
    }

    static ConfigKey keyOf(Configuration c) {
        Dictionary<String, Object> props = c.getProperties();
        return ConfigKey.of(c.getPid(), c.getFactoryPid(), props == null ? null : props.get(FILENAME));
    }

    /** Every local configuration that has a cluster key. */
    List<Configuration> all() throws IOException, InvalidSyntaxException {
        List<Configuration> result = new ArrayList<>();
        Configuration[] all = configAdmin.listConfigurations(null);
        for (Configuration c : all == null ? new Configuration[0] : all) {
            if (c.getProperties() != null && keyOf(c) != null) {
                result.add(c);
            }
        }
        return result;
    }

    Configuration find(ConfigKey key) throws IOException, InvalidSyntaxException {
        String filter = key.isFactory() ? "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + escape(key.basePid()) + ")"
                : "(" + Constants.SERVICE_PID + "=" + escape(key.basePid()) + ")";
        Configuration[] found = configAdmin.listConfigurations(filter);
        for (Configuration c : found == null ? new Configuration[0] : found) {
            if (c.getProperties() != null && key.equals(keyOf(c))) {
                return c;
            }
        }
        return null;
    }

    /** The synchronised properties, or null when this node has no such configuration. */
    Map<String, Object> read(ConfigKey key, Set<String> excluded) throws IOException, InvalidSyntaxException {
        Configuration c = find(key);
        return c == null ? null : ConfigEntries.filter(c.getProperties(), excluded);
    }

    /** ConfigAdmin and the configuration's cfg file (if it has one) hold the same properties. */
    boolean settled(ConfigKey key, Map<String, Object> local, Set<String> excluded) {
        try {
            Configuration c = find(key);
            Path file = c == null ? null : file(c);
            if (file == null || !file.getFileName().toString().endsWith(".cfg") || !Files.isRegularFile(file)) {
                return true;
            }
            Dictionary<String, Object> dict = new Hashtable<>();
            CfgFiles.load(file).forEach(dict::put); // typed, as fileinstall reads it
            return ConfigEntries.same(ConfigEntries.filter(dict, excluded), local);
        } catch (IOException | RuntimeException | InvalidSyntaxException e) {
            return true;
        }
    }

    /** Writes the properties: the whole cfg file first (aside, then moved in place), then ConfigAdmin. */
    void write(ConfigKey key, Map<String, Object> wanted) throws IOException, InvalidSyntaxException {
        Configuration c = find(key);
        Path file = c == null ? null : file(c);
        if (file == null) {
            file = etc.resolve(key.fileName());
        }
        CfgFiles.write(file, wanted);

        TypedProperties written = CfgFiles.load(file); // what fileinstall will read from it: same types, same values
        Dictionary<String, Object> dict = new Hashtable<>();
        written.forEach(dict::put);
        dict.put(FILENAME, file.toFile().getAbsoluteFile().toURI().toString());
        if (c == null) {
            c = key.isFactory() ? configAdmin.getFactoryConfiguration(key.basePid(), key.name(), "?")
                    : configAdmin.getConfiguration(key.basePid(), "?");
        }
        c.updateIfDifferent(dict);
    }

    /** Deletes the configuration; fileinstall then removes its cfg file. */
    void delete(ConfigKey key) throws IOException, InvalidSyntaxException {
        Configuration c = find(key);
        if (c != null) {
            c.delete();
        }
    }

    static Path file(Configuration c) {
        Object name = c.getProperties() == null ? null : c.getProperties().get(FILENAME);
        if (name == null) {
            return null;
        }
        try {
            return Paths.get(URI.create(name.toString()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Path etcOf(String karafEtc) {
        return new File(karafEtc == null ? "etc" : karafEtc).toPath().toAbsolutePath();
    }

    /** RFC 1960 filter value escaping. */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (ch == '(' || ch == ')' || ch == '*' || ch == '\\') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
