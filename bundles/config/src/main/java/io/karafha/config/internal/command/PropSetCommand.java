package io.karafha.config.internal.command;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-property-set, as Cellar's: sets one property of a configuration in every member of the group. */
@Command(scope = "cluster", name = "config-property-set", description = "Set a property value for a configuration in a cluster group")
@Service
public class PropSetCommand implements Action {

    @Argument(index = 0, name = "group", description = "The cluster group name", required = true)
    @Completion(GroupCompleter.class)
    String groupName;

    @Argument(index = 1, name = "pid", description = "The configuration PID (factoryPid~name for a factory configuration)", required = true)
    @Completion(PidCompleter.class)
    String pid;

    @Argument(index = 2, name = "key", description = "The property key", required = true)
    String key;

    @Argument(index = 3, name = "value", description = "The property value", required = true)
    String value;

    @Reference
    private ClusterConfigs configs;

    @Override
    public Object execute() {
        configs.change(groupName, pid, props -> {
            props.put(key, value);
            return props;
        });
        return null;
    }
}
