package io.karafha.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.SynchronousConfigurationListener;
import java.util.Hashtable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fileinstall's write-back of ConfigAdmin to etc/, done safely. Active only where fileinstall's own is
 * off ({@code felix.fileinstall.enableConfigSave = false} in etc/config.properties, as in this
 * project's distribution); otherwise it does nothing.
 *
 * <p>Why: a burst of {@code config:property-set -p} lost keys (6 of 10 in 1 of 7 runs). Karaf's
 * command and fileinstall's write-back both truncate the cfg file and rewrite it; fileinstall's poll
 * read it half-written, applied that to ConfigAdmin after the command's own update, wrote it back to
 * the file, and the next command (which reads the file) built on it.
 *
 * <p>So this saver writes the file whole ({@link CfgFiles}) when ConfigAdmin differs from it, removes
 * the file of a deleted configuration, and, as fileinstall's write-back does, gives fileinstall the
 * file's checksum afterwards ({@link FileinstallChecksums}), so its poll does not apply that file
 * again over a newer change. It listens synchronously, so it knows which updates come from
 * fileinstall's poll (they run in fileinstall's thread): when one of those left ConfigAdmin different
 * from the file (the poll read the file half-written, or just before a command wrote it), ConfigAdmin
 * gets the file as it is now, and the older content is never written back.
 */
@Component(name = "io.karafha.config.files", immediate = true, service = SynchronousConfigurationListener.class)
public class ConfigFileSaver implements SynchronousConfigurationListener {

    static final String ENABLE_CONFIG_SAVE = "felix.fileinstall.enableConfigSave";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileSaver.class);

    @Reference
    private ConfigurationAdmin configAdmin;

    private final Map<String, Path> files = new HashMap<>();
    private ScheduledExecutorService worker;
    private FileinstallChecksums checksums;
    private volatile boolean active;

    @Activate
    void activate(BundleContext context) {
        active = "false".equalsIgnoreCase(String.valueOf(context.getProperty(ENABLE_CONFIG_SAVE)).trim());
        if (!active) {
            LOG.info("fileinstall writes configurations back to etc/ ({} is not false): cfg file saver idle", ENABLE_CONFIG_SAVE);
            return;
        }
        checksums = FileinstallChecksums.find(context);
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
        // synchronous: called in the thread that updated ConfigAdmin; fileinstall's poll runs in "fileinstall-<dir>"
        boolean fromFile = Thread.currentThread().getName().startsWith("fileinstall-");
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            worker.execute(() -> deleted(pid));
        } else if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            worker.execute(() -> updated(pid, fromFile));
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

    private synchronized void updated(String pid, boolean fromFile) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + LocalConfigs.escape(pid) + ")");
            Configuration c = found == null || found.length == 0 ? null : found[0];
            Dictionary<String, Object> dict = c == null ? null : c.getProperties();
            Path file = c == null ? null : LocalConfigs.file(c);
            if (dict == null || file == null || !file.getFileName().toString().endsWith(".cfg")) {
                return;
            }
            files.put(pid, file);
            if (!Files.isRegularFile(file)) {
                return; // fileinstall writes only existing files
            }
            if (fromFile) {
                // fileinstall applied the file as its poll read it; if that was half-written or older than
                // the file now (a config command wrote it meanwhile), ConfigAdmin gets the file as it is now
                if (!CfgFiles.sameAs(file, dict)) {
                    Dictionary<String, Object> now = new Hashtable<>();
                    CfgFiles.load(file).forEach(now::put);
                    now.put(LocalConfigs.FILENAME, dict.get(LocalConfigs.FILENAME));
                    c.updateIfDifferent(now);
                    LOG.info("Configuration {}: fileinstall applied {} as it was a moment ago; ConfigAdmin has the file as it is now",
                            pid, file.getFileName());
                }
                return;
            }
            if (!CfgFiles.sameAs(file, dict)) {
                CfgFiles.writeFrom(file, dict);
            }
            // as fileinstall's write-back: its poll takes the file as it is now as applied, and does not
            // apply it again later over a newer change (a config command writes the file, then ConfigAdmin)
            checksums.written(file.toFile());
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
