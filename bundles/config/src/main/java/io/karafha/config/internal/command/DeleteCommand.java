package io.karafha.config.internal.command;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-delete, as Cellar's: deletes a configuration (and its cfg file) on every member of the group. */
@Command(scope = "cluster", name = "config-delete", description = "Delete a configuration from a cluster group")
@Service
public class DeleteCommand implements Action {

    @Argument(index = 0, name = "group", description = "The cluster group name", required = true)
    @Completion(GroupCompleter.class)
    String groupName;

    @Argument(index = 1, name = "pid", description = "The configuration PID (factoryPid~name for a factory configuration)", required = true)
    @Completion(PidCompleter.class)
    String pid;

    @Reference
    private ClusterConfigs configs;

    @Override
    public Object execute() {
        configs.change(groupName, pid, props -> null);
        return null;
    }
}
