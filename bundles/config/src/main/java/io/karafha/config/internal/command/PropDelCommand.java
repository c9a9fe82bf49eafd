package io.karafha.config.internal.command;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-property-delete, as Cellar's: removes one property of a configuration in the group. */
@Command(scope = "cluster", name = "config-property-delete", description = "Delete a property from a configuration in a cluster group")
@Service
public class PropDelCommand implements Action {

    @Argument(index = 0, name = "group", description = "The cluster group name", required = true)
    @Completion(GroupCompleter.class)
    String groupName;

    @Argument(index = 1, name = "pid", description = "The configuration PID (factoryPid~name for a factory configuration)", required = true)
    @Completion(PidCompleter.class)
    String pid;

    @Argument(index = 2, name = "key", description = "The property key to delete", required = true)
    String key;

    @Reference
    private ClusterConfigs configs;

    @Override
    public Object execute() {
        configs.change(groupName, pid, props -> {
            if (props.isEmpty()) {
                throw new IllegalArgumentException("Configuration PID " + pid + " not found in cluster group " + groupName);
            }
            props.remove(key);
            return props;
        });
        return null;
    }
}
