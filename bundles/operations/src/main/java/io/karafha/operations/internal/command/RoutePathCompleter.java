package io.karafha.operations.internal.command;

import java.util.List;

import io.karafha.operations.internal.Operations;
import io.karafha.operations.internal.Views.RouteView;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the paths of the routes this balancer proxies. */
@Service
public class RoutePathCompleter implements Completer {

    @Reference
    private Operations ops;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        ops.routes().stream().map(RouteView::path).forEach(delegate.getStrings()::add);
        return delegate.complete(session, commandLine, candidates);
    }
}
