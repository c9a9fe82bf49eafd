package io.karafha.operations.internal.command;

import java.util.List;

import io.karafha.operations.internal.Operations;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the balancer setting keys. */
@Service
public class SettingKeyCompleter implements Completer {

    @Reference
    private Operations ops;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(ops.settingKeys()).complete(session, commandLine, candidates);
    }
}
