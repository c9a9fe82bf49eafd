package io.karafha.operations.internal.command;

import java.util.List;

import io.karafha.operations.internal.Operations;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * The arguments of karaf-ha:drain and karaf-ha:restore: a route path (or *) and an endpoint, both
 * completed. Karaf's shell fills the fields of superclasses too; each command names what it does.
 */
abstract class EndpointCommand implements Action {

    @Argument(index = 0, name = "path", description = "the route path, e.g. /hello, or * for every route", required = true)
    @Completion(RoutePathCompleter.class)
    String path;

    @Argument(index = 1, name = "endpoint", description = "node name (karaf1), node id (127.0.0.1:5702) or endpoint URL", required = true)
    @Completion(EndpointCompleter.class)
    String endpoint;

    @Reference
    Operations ops;

    /** What the command did, one line per route. */
    abstract List<String> apply();

    @Override
    public Object execute() {
        apply().forEach(System.out::println);
        return null;
    }
}
