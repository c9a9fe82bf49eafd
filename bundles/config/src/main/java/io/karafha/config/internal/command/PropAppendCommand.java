package io.karafha.config.internal.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-property-append, as Cellar's: appends to a String property (sets it when absent). */
@Command(scope = "cluster", name = "config-property-append", description = "Append to the property value for a configuration PID in a cluster group")
@Service
public class PropAppendCommand extends PidCommand {

    @Argument(index = 2, name = "key", description = "The property key", required = true)
    String key;

    @Argument(index = 3, name = "value", description = "The value to append", required = true)
    String value;

    @Override
    public Object execute() {
        configs.change(groupName, pid, props -> {
            Object current = props.get(key);
            if (current != null && !(current instanceof String)) {
                throw new IllegalArgumentException("Append failed: the value of " + key + " in " + pid + " is not a String but "
                        + current.getClass().getSimpleName() + "; nothing was changed");
            }
            String appended = current == null ? value : current + value;
            checkValue(key, appended);
            props.put(key, appended);
            return props;
        });
        return null;
    }
}
