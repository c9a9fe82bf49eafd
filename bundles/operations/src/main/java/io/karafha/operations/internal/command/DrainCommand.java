package io.karafha.operations.internal.command;

import io.karafha.operations.internal.Operations;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** karaf-ha:drain: take an endpoint out by hand (maintenance) until karaf-ha:restore. */
@Command(scope = "karaf-ha", name = "drain", description = "Take an endpoint out of a route on this balancer until it is restored "
        + "(no automatic retry); local to this balancer, kept until restore or balancer restart")
@Service
public class DrainCommand implements Action {

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
        ops.drain(path, endpoint).forEach(System.out::println);
        return null;
    }
}
