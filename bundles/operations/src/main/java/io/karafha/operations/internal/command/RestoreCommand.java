package io.karafha.operations.internal.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** karaf-ha:restore: put a drained endpoint back; it comes back after the others (a follower). */
@Command(scope = "karaf-ha", name = "restore", description = "Put a drained endpoint back into a route on this balancer; "
        + "it comes back at the end of the order (a follower)")
@Service
public class RestoreCommand extends EndpointCommand {

    @Override
    List<String> apply() {
        return ops.restore(path, endpoint);
    }
}
