package io.karafha.node.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.hazelcast.core.Cluster;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleService;
import com.hazelcast.core.Member;
import io.karafha.node.RouteHealth;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.junit.Test;

/** What /karaf-ha/health tells whom: detail for local callers and realm admins, ready/not ready for the rest. */
public class HealthServletTest {

    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret-Pass".getBytes(StandardCharsets.UTF_8));

    /** Only admin / s3cret-Pass is an admin. */
    private final HealthServlet servlet = new HealthServlet(new HealthDetailAccess((user, password) -> "admin".equals(user) && "s3cret-Pass".equals(password)))
            .bind(hazelcast(true, "172.18.0.2", "172.18.0.3", "172.18.0.4"), groups("load-balancer", "web"),
                    () -> new RouteHealth.Status("backend", true, 2, 1, null));

    @Test
    public void anonymousRemoteCallerLearnsOnlyReadiness() throws Exception {
        Answer a = get(servlet, "172.18.0.1", Map.of());
        assertEquals(200, a.status);
        assertEquals("{\"ready\":true}", a.body.trim());
        assertFalse("no member address leaks: " + a.body, a.body.contains("172.18.0"));
    }

    @Test
    public void notReadyIsStill503WithoutDetail() throws Exception {
        HealthServlet down = new HealthServlet(new HealthDetailAccess((u, p) -> false))
                .bind(hazelcast(false), groups(), null);
        Answer a = get(down, "10.1.2.3", Map.of());
        assertEquals(503, a.status);
        assertEquals("{\"ready\":false}", a.body.trim());
    }

    @Test
    public void loopbackCallerGetsTheDetail() throws Exception {
        for (String local : new String[] {"127.0.0.1", "127.0.1.1", "0:0:0:0:0:0:0:1", "[::1]"}) {
            Answer a = get(servlet, local, Map.of());
            assertEquals(local, 200, a.status);
            assertTrue(local + ": " + a.body, a.body.contains("\"members\":3"));
            assertTrue(local + ": " + a.body, a.body.contains("\"memberAddresses\":[\"172.18.0.2:5701\",\"172.18.0.3:5701\",\"172.18.0.4:5701\"]"));
            assertTrue(local + ": " + a.body, a.body.contains("\"groups\":[\"load-balancer\",\"web\"]"));
        }
    }

    @Test
    public void loopbackRequestRelayedByAProxyIsNotLocal() throws Exception {
        assertEquals("{\"ready\":true}", get(servlet, "127.0.0.1", Map.of("X-Forwarded-For", "203.0.113.9")).body.trim());
        assertEquals("{\"ready\":true}", get(servlet, "127.0.0.1", Map.of("Forwarded", "for=203.0.113.9")).body.trim());
    }

    @Test
    public void realmAdminGetsTheDetailFromAnywhere() throws Exception {
        Answer a = get(servlet, "203.0.113.9", Map.of("Authorization", ADMIN));
        assertEquals(200, a.status);
        assertTrue(a.body, a.body.contains("\"memberAddresses\""));
    }

    @Test
    public void wrongOrMalformedCredentialsGetOnlyReadiness() throws Exception {
        String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));
        for (String auth : new String[] {wrong, "Basic !!!not-base64", "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)), "Bearer x"}) {
            assertEquals(auth, "{\"ready\":true}", get(servlet, "203.0.113.9", Map.of("Authorization", auth)).body.trim());
        }
    }

    @Test
    public void askingForDetailWithoutLoginChallengesTheBrowser() throws Exception {
        Answer a = get(servlet, "203.0.113.9", Map.of(), "detail");
        assertEquals(401, a.status);
        assertEquals("Basic realm=\"karaf\"", a.headers.get("WWW-Authenticate"));
        assertEquals("{\"ready\":true}", a.body.trim());
        Answer plain = get(servlet, "203.0.113.9", Map.of());
        assertNull("no challenge without ?detail (health probes of load balancers)", plain.headers.get("WWW-Authenticate"));
    }

    @Test
    public void hostNamesAreNeverLookedUp() {
        HttpServletRequest req = request("localhost", Map.of(), null);
        assertFalse("a name is not an address literal", HealthDetailAccess.isLocal(req));
    }

    // ---- fakes ----

    static final class Answer {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final StringWriter out = new StringWriter();
        String body;
    }

    private static Answer get(HealthServlet servlet, String remoteAddr, Map<String, String> headers) throws Exception {
        return get(servlet, remoteAddr, headers, null);
    }

    private static Answer get(HealthServlet servlet, String remoteAddr, Map<String, String> headers, String parameter) throws Exception {
        Answer a = new Answer();
        PrintWriter writer = new PrintWriter(a.out);
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(HealthServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus": a.status = (Integer) args[0]; return null;
                        case "setHeader": a.headers.put((String) args[0], (String) args[1]); return null;
                        case "getWriter": return writer;
                        default: return null;
                    }
                });
        servlet.doGet(request(remoteAddr, headers, parameter), resp);
        writer.flush();
        a.body = a.out.toString();
        return a;
    }

    private static HttpServletRequest request(String remoteAddr, Map<String, String> headers, String parameter) {
        return (HttpServletRequest) Proxy.newProxyInstance(HealthServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "getRemoteAddr": return remoteAddr;
                        case "getHeader": return headers.get((String) args[0]);
                        case "getParameter": return args[0].equals(parameter) ? "" : null;
                        default: return null;
                    }
                });
    }

    private static HazelcastInstance hazelcast(boolean running, String... members) {
        Set<Member> set = new java.util.LinkedHashSet<>();
        for (String address : members) {
            set.add(fake(Member.class, Map.of("getSocketAddress", new InetSocketAddress(address, 5701))));
        }
        LifecycleService lifecycle = fake(LifecycleService.class, Map.of("isRunning", running));
        Cluster cluster = fake(Cluster.class, Map.of("getMembers", set));
        return fake(HazelcastInstance.class, Map.of("getLifecycleService", lifecycle, "getCluster", cluster));
    }

    private static GroupManager groups(String... names) {
        Set<Group> set = new java.util.LinkedHashSet<>();
        for (String n : names) {
            set.add(new Group(n));
        }
        return fake(GroupManager.class, Map.of("listLocalGroups", set));
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(HealthServletTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> {
                    if (m.getName().equals("hashCode")) {
                        return System.identityHashCode(p);
                    }
                    if (m.getName().equals("equals")) {
                        return p == args[0];
                    }
                    return answers.get(m.getName());
                });
    }
}
