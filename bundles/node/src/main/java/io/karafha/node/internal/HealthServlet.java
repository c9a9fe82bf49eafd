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
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * GET /karaf-ha/health: this node's readiness as JSON: its name, the cluster members it sees and
 * the Cellar groups it is in. 200 when it is a running member of a cluster and in at least one
 * group, 503 otherwise. The local launcher and the Docker health check wait on it.
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
        boolean ready = running && !members.isEmpty() && !groups.isEmpty();
        resp.setStatus(ready ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().println("{\"node\":" + Json.quote(System.getProperty("karaf.name", ""))
                + ",\"ready\":" + ready
                + ",\"members\":" + members.size()
                + ",\"memberAddresses\":" + Json.array(members)
                + ",\"groups\":" + Json.array(groups) + "}");
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
