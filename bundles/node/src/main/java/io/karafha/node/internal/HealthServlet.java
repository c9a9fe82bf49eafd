package io.karafha.node.internal;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.Member;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import io.karafha.node.RouteHealth;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * GET /karaf-ha/health: this node's readiness as JSON: its name, the cluster members it sees, the
 * Cellar groups it is in and the routes it knows. 200 when it is a running member of a cluster, in
 * at least one group, and the route registry can be read (a node with no route yet is ready: the
 * backends' routes come after the balancer, and the launcher waits for both); 503 otherwise. The
 * local launcher and the Docker health check wait on it.
 *
 * The detail is for callers on this host and for admins of the Karaf realm (HTTP Basic, as the web
 * console; {@code ?detail} asks a browser for that login); any other caller gets only
 * {@code {"ready":true|false}} with the same status, so the
 * port a balancer publishes does not tell the world the cluster's addresses (see
 * {@link HealthDetailAccess}).
 */
@Component(
        name = "io.karafha.node.health",
        service = Servlet.class,
        property = {
                "osgi.http.whiteboard.servlet.pattern=/karaf-ha/health",
                "osgi.http.whiteboard.servlet.name=io.karafha.node.health"
        })
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Reference
    private transient HazelcastInstance hazelcast;

    @Reference
    private transient GroupManager groupManager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile RouteHealth routeHealth;

    private final transient HealthDetailAccess access;

    public HealthServlet() {
        this(new HealthDetailAccess(new KarafRealmCredentials()));
    }

    HealthServlet(HealthDetailAccess access) {
        this.access = access;
    }

    /** For tests: the references DS would inject. */
    HealthServlet bind(HazelcastInstance hazelcast, GroupManager groupManager, RouteHealth routeHealth) {
        this.hazelcast = hazelcast;
        this.groupManager = groupManager;
        this.routeHealth = routeHealth;
        return this;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean running = hazelcast.getLifecycleService().isRunning();
        Set<String> members = new TreeSet<>();
        Set<String> groups = new TreeSet<>();
        if (running) {
            for (Member m : hazelcast.getCluster().getMembers()) {
                members.add(m.getSocketAddress().getAddress().getHostAddress() + ":" + m.getSocketAddress().getPort());
            }
            for (Group g : groupManager.listLocalGroups()) {
                groups.add(g.getName());
            }
        }
        RouteHealth rh = routeHealth;
        RouteHealth.Status routes = rh == null
                ? new RouteHealth.Status("unknown", false, 0, 0, "the route registry (bundle io.karafha.operations) is not active")
                : rh.status();
        boolean ready = running && !members.isEmpty() && !groups.isEmpty() && routes.readable();
        resp.setStatus(ready ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        if (!access.mayReadDetail(req)) {
            if (req.getParameter("detail") != null) {
                // asked for the detail: let a browser ask for the console login
                resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                resp.setHeader("WWW-Authenticate", "Basic realm=\"" + KarafRealmCredentials.REALM + "\"");
            }
            resp.getWriter().println("{\"ready\":" + ready + "}");
            return;
        }
        resp.getWriter().println("{\"node\":" + Json.quote(System.getProperty("karaf.name", ""))
                + ",\"ready\":" + ready
                + ",\"members\":" + members.size()
                + ",\"memberAddresses\":" + Json.array(members)
                + ",\"groups\":" + Json.array(groups)
                + ",\"role\":" + Json.quote(routes.role())
                + ",\"routes\":{\"readable\":" + routes.readable() + ",\"known\":" + routes.known()
                + ",\"local\":" + routes.local()
                + (routes.note() == null ? "" : ",\"note\":" + Json.quote(routes.note())) + "}}");
    }

    /** Just enough JSON for string values; no library needed for a four-field answer. */
    static final class Json {
        private Json() {
        }

        static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }

        static String array(Set<String> values) {
            return values.stream().map(Json::quote).collect(Collectors.joining(",", "[", "]"));
        }
    }
}
