package io.karafha.operations.internal.command;

import io.karafha.operations.internal.Operations;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** karaf-ha:restore: put a drained endpoint back; it comes back after the others (a follower). */
@Command(scope = "karaf-ha", name = "restore", description = "Put a drained endpoint back into a route on this balancer; "
        + "it comes back at the end of the order (a follower)")
@Service
public class RestoreCommand implements Action {

    @Argument(index = 0, name = "path", description = "the route path, e.g. /hello, or * for every route", required = true)
    @Completion(RoutePathCompleter.class)
    String path;

    @Argument(index = 1, name = "endpoint", description = "node name (karaf1), node id (127.0.0.1:5702) or endpoint URL", required = true)
    @Completion(EndpointCompleter.class)
    String endpoint;

    @Reference
    private Operations ops;

    @Override
    public Object execute() {
        ops.restore(path, endpoint).forEach(System.out::println);
        return null;
    }
}
