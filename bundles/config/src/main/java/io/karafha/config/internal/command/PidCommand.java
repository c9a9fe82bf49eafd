package io.karafha.config.internal.command;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.MetaTypeService;

/**
 * The first two arguments of Cellar's cluster:config-* commands that act on one configuration: the
 * group and the PID, both completed; and the cluster view they act through. Karaf's shell fills the
 * fields of superclasses too, so each command only declares what follows.
 */
abstract class PidCommand implements Action {

    @Argument(index = 0, name = "group", description = "The cluster group name", required = true)
    @Completion(GroupCompleter.class)
    String groupName;

    @Argument(index = 1, name = "pid", description = "The configuration PID (factoryPid~name for a factory configuration)", required = true)
    @Completion(PidCompleter.class)
    String pid;

    @Reference
    ClusterConfigs configs;

    @Reference(optional = true)
    MetaTypeService metatype;

    @Reference
    BundleContext bundleContext;

    /** Refuses, before anything is written, a value the PID's metatype on this node rejects. */
    void checkValue(String key, String value) {
        String problem = MetatypeCheck.rejection(metatype, bundleContext.getBundles(), pid, key, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
