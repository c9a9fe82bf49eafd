package io.karafha.config.internal.command;

import java.util.List;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes configuration keys (PIDs, and {@code factoryPid~name}): those of the group named before
 * on the command line, or of every group, and this node's own.
 */
@Service
public class PidCompleter implements Completer {

    @Reference
    private ClusterConfigs configs;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        String[] words = commandLine.getArguments();
        String group = words.length > 1 && configs.groupNames().contains(words[1]) ? words[1] : null;
        for (String g : group == null ? configs.groupNames() : List.of(group)) {
            try {
                delegate.getStrings().addAll(configs.cluster(g).keySet());
            } catch (RuntimeException e) {
                // a group without a map yet: nothing to offer
            }
        }
        delegate.getStrings().addAll(configs.local().keySet());
        return delegate.complete(session, commandLine, candidates);
    }
}
