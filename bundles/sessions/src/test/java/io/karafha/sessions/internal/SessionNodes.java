package io.karafha.sessions.internal;

import static org.junit.Assert.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;

/**
 * Test fixture: embedded Jetty 9.4 servers ("karaf1", "karaf2"...) on one embedded Hazelcast member,
 * wired as the bundle wires Pax Web's server: the store factories as Server beans, the worker name set
 * on the running id manager. Attribute problems are collected as "node context attribute" and
 * "node read attribute".
 */
final class SessionNodes implements AutoCloseable {

    final List<String> problems = new CopyOnWriteArrayList<>();
    private final HazelcastInstance hazelcast;
    private final List<Server> servers = new ArrayList<>();

    SessionNodes(String clusterName, int port) {
        Config config = new Config(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        hazelcast = Hazelcast.newHazelcastInstance(config);
    }

    /**
     * Starts a server named {@code name} on a free loopback port, its sessions in map {@code map}, with
     * {@code context} as its one web context; {@code beans} (a realm...) are added to the Server first.
     */
    Server start(String name, String map, ServletContextHandler context, Object... beans) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ReplicationScope scope = ReplicationScope.parse("");
        server.addBean(new ClusterSessionCacheFactory(scope));
        server.addBean(new ClusterSessionDataStoreFactory(hazelcast.getMap(map), scope, new SessionCodec.AttributeProblems() {
            @Override
            public void notWritten(String contextPath, String sessionId, String attribute, Object value, Exception cause) {
                problems.add(name + " " + contextPath + " " + attribute);
            }

            @Override
            public void notRead(String contextPath, String sessionId, String attribute, Exception cause) {
                problems.add(name + " read " + attribute);
            }
        }));
        for (Object bean : beans) {
            server.addBean(bean);
        }
        server.setHandler(context);
        servers.add(server);
        server.start();
        // as in Pax Web: the id manager runs before the bundle names it
        assertEquals(name, WorkerName.apply(server, name));
        context.stop();
        context.start();
        return server;
    }

    @Override
    public void close() throws Exception {
        for (Server s : servers) {
            s.stop();
        }
        hazelcast.shutdown();
    }

    /** A browser of one session: keeps the JSESSIONID cookie the servers set. */
    static final class Browser {
        private final HttpClient http = HttpClient.newHttpClient();
        String cookie;

        /** GET {@code path} on {@code node}, or a form POST when {@code form} is given. */
        HttpResponse<String> send(Server node, String path, String form) throws Exception {
            int port = ((ServerConnector) node.getConnectors()[0]).getLocalPort();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (form != null) {
                b.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
            }
            if (cookie != null) {
                b.header("Cookie", "JSESSIONID=" + cookie);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                    .forEach(c -> cookie = c.substring("JSESSIONID=".length()).split(";", 2)[0]);
            return r;
        }
    }
}
