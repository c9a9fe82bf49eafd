package io.karafha.config.internal.command;

import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** cluster:config-property-list, as Cellar's: the properties of one configuration in the group. */
@Command(scope = "cluster", name = "config-property-list", description = "List the properties of a configuration in a cluster group")
@Service
public class PropListCommand extends PidCommand {

    @Override
    public Object execute() {
        Map<String, Object> properties = configs.cluster(groupName).get(pid);
        if (properties == null || properties.isEmpty()) {
            throw new IllegalArgumentException("Configuration PID " + pid + " not found in cluster group " + groupName);
        }
        System.out.println("Property list for configuration PID " + pid + " for cluster group " + groupName);
        properties.forEach((k, v) -> System.out.println("   " + k + " = " + Values.text(v)));
        return null;
    }
}
