package io.karafha.config.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-property-set, as Cellar's: sets one property of a configuration in every member of the group. */
@Command(scope = "cluster", name = "config-property-set", description = "Set a property value for a configuration in a cluster group")
@Service
public class PropSetCommand extends PidCommand {

    @Argument(index = 2, name = "key", description = "The property key", required = true)
    String key;

    @Argument(index = 3, name = "value", description = "The property value", required = true)
    String value;

    @Override
    public Object execute() {
        checkValue(key, value);
        configs.change(groupName, pid, props -> {
            props.put(key, value);
            return props;
        });
        return null;
    }
}
