package io.karafha.operations.internal.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.karafha.operations.internal.Operations;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * karaf-ha:settings-set: change balancer settings, checked with the cfg file's rules first, then
 * written in one configuration update (several quick writes to one PID race with fileinstall).
 */
@Command(scope = "karaf-ha", name = "settings-set", description = "Change balancer settings in one write of etc/io.karafha.balancer.cfg; "
        + "a bad value is rejected, naming key and expected value, and nothing is written")
@Service
public class SettingsSetCommand implements Action {

    @Argument(index = 0, name = "key value", description = "one or more pairs: key value [key value ...]; an empty value (\"\") restores the default",
            required = true, multiValued = true)
    @Completion(SettingKeyCompleter.class)
    List<String> keyValues;

    @Reference
    private Operations ops;

    @Override
    public Object execute() throws Exception {
        if (keyValues.size() % 2 != 0) {
            throw new IllegalArgumentException("Expected key value pairs, got " + keyValues.size() + " words: " + keyValues);
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.size(); i += 2) {
            changes.put(keyValues.get(i), keyValues.get(i + 1));
        }
        ops.updateSettings(changes).forEach((k, v) -> System.out.println(k + " = " + v));
        System.out.println("Written to etc/" + Operations.PID + ".cfg; the balancer applies it within a second (karaf-ha:settings shows it).");
        return null;
    }
}
