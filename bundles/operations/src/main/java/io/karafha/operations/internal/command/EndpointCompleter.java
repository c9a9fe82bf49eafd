package io.karafha.operations.internal.command;

import java.util.Arrays;
import java.util.List;

import io.karafha.operations.internal.Operations;
import io.karafha.operations.internal.Views.EndpointView;
import io.karafha.operations.internal.Views.RouteView;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes node names and URLs of the endpoints of the route typed before (of every route if none matches). */
@Service
public class EndpointCompleter implements Completer {

    @Reference
    private Operations ops;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> words = Arrays.asList(commandLine.getArguments());
        List<RouteView> routes = ops.routes();
        boolean pathTyped = routes.stream().anyMatch(r -> words.contains(r.path()));
        StringsCompleter delegate = new StringsCompleter();
        for (RouteView r : routes) {
            if (!pathTyped || words.contains(r.path())) {
                for (EndpointView e : r.endpoints()) {
                    delegate.getStrings().add(e.node());
                    delegate.getStrings().add(e.url());
                }
            }
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
