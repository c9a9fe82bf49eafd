package io.karafha.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a configuration changed in ConfigAdmin back to its cfg file, whole ({@link CfgFiles}), and
 * removes the file of a deleted one: fileinstall's write-back, which truncates the file and rewrites
 * it in place, done safely. Active only where fileinstall's own is off
 * ({@code felix.fileinstall.enableConfigSave = false} in etc/config.properties, as in this project's
 * distribution); otherwise it does nothing.
 *
 * <p>When ConfigAdmin differs from a file written less than a poll ago, the change may be fileinstall
 * applying the file as it was just before that write (its poll read it a moment earlier); its next
 * poll applies the newer file. So such a change is written only if it still differs a poll later,
 * and an older file content never overwrites a newer one.
 */
@Component(name = "io.karafha.config.files", immediate = true, service = ConfigurationListener.class)
public class ConfigFileSaver implements ConfigurationListener {

    static final String ENABLE_CONFIG_SAVE = "felix.fileinstall.enableConfigSave";
    static final long POLL_MS = 1200;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileSaver.class);

    @Reference
    private ConfigurationAdmin configAdmin;

    private final Map<String, Path> files = new HashMap<>();
    private ScheduledExecutorService worker;
    private volatile boolean active;

    @Activate
    void activate(BundleContext context) {
        active = "false".equalsIgnoreCase(String.valueOf(context.getProperty(ENABLE_CONFIG_SAVE)).trim());
        if (!active) {
            LOG.info("fileinstall writes configurations back to etc/ ({} is not false): cfg file saver idle", ENABLE_CONFIG_SAVE);
            return;
        }
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-config-files"));
        worker.execute(this::index);
        LOG.info("Configurations are written back to etc/ whole by io.karafha.config ({} = false)", ENABLE_CONFIG_SAVE);
    }

    @Deactivate
    void deactivate() {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!active) {
            return;
        }
        String pid = event.getPid();
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            worker.execute(() -> deleted(pid));
        } else if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            worker.execute(() -> updated(pid, true));
        }
    }

    private synchronized void index() {
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Path file = LocalConfigs.file(c);
                if (file != null) {
                    files.put(c.getPid(), file);
                }
            }
        } catch (Exception e) {
            LOG.warn("Cannot list the configurations: {}", e.toString());
        }
    }

    private synchronized void updated(String pid, boolean first) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + LocalConfigs.escape(pid) + ")");
            Configuration c = found == null || found.length == 0 ? null : found[0];
            Dictionary<String, Object> dict = c == null ? null : c.getProperties();
            Path file = c == null ? null : LocalConfigs.file(c);
            if (dict == null || file == null || !file.getFileName().toString().endsWith(".cfg")) {
                return;
            }
            files.put(pid, file);
            if (!Files.isRegularFile(file) || CfgFiles.sameAs(file, dict)) {
                return; // fileinstall writes only existing files; nothing to do when they agree
            }
            if (first && System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() < POLL_MS) {
                worker.schedule(() -> updated(pid, false), POLL_MS, TimeUnit.MILLISECONDS);
                return;
            }
            CfgFiles.writeFrom(file, dict);
            LOG.debug("Configuration {} written to {}", pid, file);
        } catch (Exception e) {
            LOG.error("Configuration {} could not be written to its cfg file: {}", pid, e.toString(), e);
        }
    }

    private synchronized void deleted(String pid) {
        Path file = files.remove(pid);
        try {
            if (file != null && file.getFileName().toString().endsWith(".cfg") && Files.deleteIfExists(file)) {
                LOG.debug("Configuration {} deleted: {} removed", pid, file);
            }
        } catch (IOException e) {
            LOG.error("Configuration {} was deleted but its file {} could not be removed: {}", pid, file, e.toString());
        }
    }
}
