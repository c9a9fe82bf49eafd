package io.karafha.config.internal.command;

import java.util.List;

import io.karafha.config.internal.ClusterConfigs;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the cluster groups. */
@Service
public class GroupCompleter implements Completer {

    @Reference
    private ClusterConfigs configs;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter(configs.groupNames());
        return delegate.complete(session, commandLine, candidates);
    }
}
