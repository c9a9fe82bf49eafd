package io.karafha.config.internal;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.apache.felix.utils.properties.TypedProperties;
import org.apache.karaf.config.core.ConfigRepository;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf's {@link ConfigRepository} (what {@code config:*} commands write through), ranked above
 * Karaf's own, with one change: the cfg file is written whole ({@link CfgFiles}) instead of being
 * truncated and rewritten in place, so fileinstall's poll never reads half a file. Everything else is
 * Karaf's: the same file, then the same ConfigAdmin update, and .json configurations are left to
 * Karaf's implementation.
 */
@Component(name = "io.karafha.config.repository", service = ConfigRepository.class,
        property = Constants.SERVICE_RANKING + ":Integer=100")
public class WholeFileConfigRepository implements ConfigRepository {

    private static final Logger LOG = LoggerFactory.getLogger(WholeFileConfigRepository.class);

    @Reference(target = "(!(component.name=io.karafha.config.repository))")
    private ConfigRepository karaf;
    @Reference
    private ConfigurationAdmin configAdmin;

    @Activate
    void activate() {
        LOG.info("config:* commands write cfg files whole (io.karafha.config.repository ranked above Karaf's)");
    }

    @Override
    public void update(String pid, Map<String, Object> properties) throws IOException {
        update(pid, properties, "cfg");
    }

    @Override
    public void update(String pid, Map<String, Object> properties, String suffix) throws IOException {
        if (!"cfg".equals(suffix)) {
            karaf.update(pid, properties, suffix);
            return;
        }
        try {
            Configuration cfg = configAdmin.getConfiguration(pid, "?");
            File file = file(cfg.getProcessedProperties(null) == null ? null : cfg.getProcessedProperties(null).get(LocalConfigs.FILENAME));
            if (file == null) {
                file = file(properties.get(LocalConfigs.FILENAME));
            }
            if (file == null) {
                String factoryPid = cfg.getFactoryPid();
                file = new File(etc(), factoryPid != null ? factoryPid + "-" + pid.substring(factoryPid.length() + 1) + ".cfg" : pid + ".cfg");
            }
            if (file.getName().endsWith(".json")) {
                karaf.update(pid, properties, suffix);
                return;
            }
            CfgFiles.write(file.toPath(), properties);
            TypedProperties written = CfgFiles.load(file.toPath());
            written.put(LocalConfigs.FILENAME, file.toURI().toString());
            cfg.update(new Hashtable<>(written));
        } catch (URISyntaxException e) {
            throw new IOException("Error updating config", e);
        }
    }

    @Override
    public String createFactoryConfiguration(String factoryPid, String alias, Map<String, Object> properties, String suffix)
            throws IOException {
        if (!"cfg".equals(suffix)) {
            return karaf.createFactoryConfiguration(factoryPid, alias, properties, suffix);
        }
        Configuration config = configAdmin.createFactoryConfiguration(factoryPid, "?");
        Path file = alias != null && !alias.isBlank() ? etc().toPath().resolve(factoryPid + "-" + alias + ".cfg")
                : Files.createTempFile(etc().toPath(), factoryPid + "-", ".cfg");
        CfgFiles.write(file, properties);
        Dictionary<String, Object> dict = new Hashtable<>(properties);
        dict.put(LocalConfigs.FILENAME, file.toUri().toString());
        config.update(dict);
        return config.getPid();
    }

    @Override
    public String createFactoryConfiguration(String factoryPid, String alias, Map<String, Object> properties) throws IOException {
        return createFactoryConfiguration(factoryPid, alias, properties, "cfg");
    }

    @Override
    public String createFactoryConfiguration(String factoryPid, Map<String, Object> properties, String suffix) throws IOException {
        return createFactoryConfiguration(factoryPid, null, properties, suffix);
    }

    @Override
    public String createFactoryConfiguration(String factoryPid, Map<String, Object> properties) throws IOException {
        return createFactoryConfiguration(factoryPid, null, properties, "cfg");
    }

    @Override
    public TypedProperties getConfig(String pid) throws IOException, InvalidSyntaxException {
        return karaf.getConfig(pid);
    }

    @Override
    public void delete(String pid) throws Exception {
        karaf.delete(pid);
    }

    @Override
    public boolean exists(String pid) throws Exception {
        return karaf.exists(pid);
    }

    @Override
    public ConfigurationAdmin getConfigAdmin() {
        return configAdmin;
    }

    private static File etc() {
        return new File(System.getProperty("karaf.etc", "etc"));
    }

    private static File file(Object value) throws URISyntaxException, MalformedURLException {
        if (value instanceof URL) {
            return new File(((URL) value).toURI());
        }
        if (value instanceof URI) {
            return new File((URI) value);
        }
        if (value instanceof String) {
            return new File(new URL((String) value).toURI());
        }
        return null;
    }
}
