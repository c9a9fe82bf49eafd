package io.karafha.config.internal;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells fileinstall that a cfg file it watches was written on purpose, as fileinstall's own
 * write-back does ({@code FileInstall.updateChecksum}): otherwise its next poll sees the file changed
 * and applies it to ConfigAdmin, which may hold a newer change by then. Fileinstall 3.7 has no API
 * for it; this reaches its {@code ConfigInstaller} service by reflection, and does nothing (with one
 * warning) where that is not possible.
 */
final class FileinstallChecksums {

    private static final Logger LOG = LoggerFactory.getLogger(FileinstallChecksums.class);

    private final Object fileInstall;
    private final Method updateChecksum;

    private FileinstallChecksums(Object fileInstall, Method updateChecksum) {
        this.fileInstall = fileInstall;
        this.updateChecksum = updateChecksum;
    }

    static FileinstallChecksums find(BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(ConfigurationListener.class.getName(), null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                if ("org.apache.felix.fileinstall".equals(ref.getBundle().getSymbolicName())) {
                    Object installer = context.getService(ref);
                    Field field = installer.getClass().getDeclaredField("fileInstall");
                    field.setAccessible(true);
                    Object fileInstall = field.get(installer);
                    return new FileinstallChecksums(fileInstall, fileInstall.getClass().getMethod("updateChecksum", File.class));
                }
            }
            LOG.warn("fileinstall's configuration installer not found: its poll may re-apply cfg files written here");
        } catch (Exception | LinkageError e) {
            LOG.warn("Cannot reach fileinstall's checksums ({}): its poll may re-apply cfg files written here", e.toString());
        }
        return new FileinstallChecksums(null, null);
    }

    /** After writing the file: fileinstall takes its current content as already applied. */
    void written(File file) {
        if (updateChecksum == null) {
            return;
        }
        try {
            updateChecksum.invoke(fileInstall, file);
        } catch (Exception e) {
            LOG.debug("updateChecksum({}) failed", file, e);
        }
    }
}
