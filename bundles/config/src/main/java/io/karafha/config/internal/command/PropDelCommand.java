package io.karafha.config.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-property-delete, as Cellar's: removes one property of a configuration in the group. */
@Command(scope = "cluster", name = "config-property-delete", description = "Delete a property from a configuration in a cluster group")
@Service
public class PropDelCommand extends PidCommand {

    @Argument(index = 2, name = "key", description = "The property key to delete", required = true)
    String key;

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
