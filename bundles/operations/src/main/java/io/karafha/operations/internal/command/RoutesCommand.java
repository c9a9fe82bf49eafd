package io.karafha.operations.internal.command;

import java.util.List;

import io.karafha.operations.internal.Operations;
import io.karafha.operations.internal.Views.EndpointView;
import io.karafha.operations.internal.Views.PublishedView;
import io.karafha.operations.internal.Views.RouteView;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** karaf-ha:routes: on the balancer every route with its ordered endpoints; on a backend what it publishes. */
@Command(scope = "karaf-ha", name = "routes", description = "Routes with policy, master, ordered endpoints, their state and counters "
        + "(balancer); the routes this node publishes (backend)")
@Service
public class RoutesCommand implements Action {

    @Reference
    private Operations ops;

    @Override
    public Object execute() {
        String role = ops.role();
        System.out.println("Node " + ops.localNode() + ", role " + role);
        if (role.equals("balancer")) {
            List<String> draining = ops.drainingNodes();
            if (!draining.isEmpty()) {
                System.out.println("Draining (stopping; their endpoints get no new request): " + String.join(", ", draining));
            }
            printRoutes(ops.routes());
            System.out.println("WebSockets: " + ops.websockets());
        } else {
            printPublished(ops.published());
        }
        return null;
    }

    private static void printRoutes(List<RouteView> routes) {
        if (routes.isEmpty()) {
            System.out.println("No route yet: no backend has published one.");
            return;
        }
        System.out.println();
        ShellTable summary = new ShellTable();
        for (String c : List.of("Route", "Policy", "Master", "Requests", "Failures", "Failovers")) {
            summary.column(c);
        }
        for (RouteView r : routes) {
            summary.addRow().addContent(r.path(), r.policy(), r.master(), r.count().requests(), r.count().failures(), r.count().failovers());
        }
        summary.print(System.out);
        System.out.println();
        ShellTable endpoints = new ShellTable();
        for (String c : List.of("Route", "#", "Node", "Endpoint", "State", "Requests", "Failures", "Failovers")) {
            endpoints.column(c);
        }
        for (RouteView r : routes) {
            for (EndpointView e : r.endpoints()) {
                endpoints.addRow().addContent(r.path(), e.position() + (e.master() ? " *" : ""), e.node(), e.url(), e.describe(),
                        e.count().requests(), e.count().failures(), e.count().failovers());
            }
        }
        endpoints.print(System.out);
        System.out.println("(* master: the next request goes there first; endpoints in the order requests try them)");
    }

    private static void printPublished(List<PublishedView> published) {
        System.out.println("This node proxies no route (proxy = false).");
        if (published.isEmpty()) {
            System.out.println("It publishes no route.");
            return;
        }
        System.out.println("It publishes:");
        System.out.println();
        ShellTable table = new ShellTable();
        for (String c : List.of("Route", "Endpoint", "Group", "Position")) {
            table.column(c);
        }
        for (PublishedView p : published) {
            table.addRow().addContent(p.path(), p.url(), p.group(), p.position() + " of " + p.endpoints());
        }
        table.print(System.out);
    }
}
