package io.karafha.operations.internal.command;

import io.karafha.operations.internal.Operations;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** karaf-ha:settings: the balancer settings in force (etc/io.karafha.balancer.cfg, defaults filled in). */
@Command(scope = "karaf-ha", name = "settings", description = "The balancer settings in force on this node (etc/io.karafha.balancer.cfg)")
@Service
public class SettingsCommand implements Action {

    @Reference
    private Operations ops;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Key");
        table.column("Value");
        ops.settings().forEach((k, v) -> table.addRow().addContent(k, v));
        table.print(System.out);
        return null;
    }
}
