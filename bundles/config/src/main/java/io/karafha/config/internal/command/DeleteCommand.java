package io.karafha.config.internal.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-delete, as Cellar's: deletes a configuration (and its cfg file) on every member of the group. */
@Command(scope = "cluster", name = "config-delete", description = "Delete a configuration from a cluster group")
@Service
public class DeleteCommand extends PidCommand {

    @Override
    public Object execute() {
        configs.change(groupName, pid, props -> null);
        return null;
    }
}
