package io.karafha.operations.internal.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** karaf-ha:drain: take an endpoint out by hand (maintenance) until karaf-ha:restore. */
@Command(scope = "karaf-ha", name = "drain", description = "Take an endpoint out of a route on this balancer until it is restored "
        + "(no automatic retry); local to this balancer, kept until restore or balancer restart")
@Service
public class DrainCommand extends EndpointCommand {

    @Override
    List<String> apply() {
        return ops.drain(path, endpoint);
    }
}
