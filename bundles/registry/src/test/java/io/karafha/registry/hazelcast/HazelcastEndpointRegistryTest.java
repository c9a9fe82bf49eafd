package io.karafha.registry.hazelcast;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.karafha.registry.RegisteredEndpoint;
import io.karafha.registry.Registration;
import io.karafha.registry.RegistryListener;
import io.karafha.registry.test.TestCluster;
import org.junit.After;
import org.junit.Test;

/** Real Hazelcast 3.12 members (and a client) on loopback. */
public class HazelcastEndpointRegistryTest {

    private final TestCluster cluster = new TestCluster();
    private HazelcastInstance one;
    private HazelcastInstance two;
    private HazelcastInstance client;

    @After
    public void down() {
        for (HazelcastInstance h : new HazelcastInstance[] {client, one, two}) {
            if (h != null && h.getLifecycleService().isRunning()) {
                h.getLifecycleService().terminate();
            }
        }
    }

    @Test(timeout = 60_000)
    public void orderIsRegistrationOrderAReRegistrationGoesToTheEndAndALeavingMemberIsPruned() throws Exception {
        one = cluster.member();
        two = cluster.member();
        HazelcastEndpointRegistry r1 = new HazelcastEndpointRegistry(one);
        HazelcastEndpointRegistry r2 = new HazelcastEndpointRegistry(two);
        AtomicReference<List<String>> seen = new AtomicReference<>();
        r1.watch("cxf", "demo/fo", list -> seen.set(list.stream().map(RegisteredEndpoint::getAddress).collect(Collectors.toList())));

        Registration a = r1.register("cxf", "demo/fo", "http://a/Foo");
        r2.register("cxf", "demo/fo", "http://b/Foo");
        r2.register("cxf", "other/path", "http://b/Other");
        assertEquals(List.of("http://a/Foo", "http://b/Foo"), r2.addresses("cxf", "demo/fo"));
        await(seen::get, List.of("http://a/Foo", "http://b/Foo"));

        a.close();
        r1.register("cxf", "demo/fo", "http://a/Foo");
        assertEquals(List.of("http://b/Foo", "http://a/Foo"), r2.addresses("cxf", "demo/fo"));
        await(seen::get, List.of("http://b/Foo", "http://a/Foo"));

        two.getLifecycleService().terminate();   // a crash: the survivor prunes b's entries
        await(seen::get, List.of("http://a/Foo"));
        await(() -> r1.addresses("cxf", "other/path"), List.of());
    }

    @Test(timeout = 60_000)
    public void spacesAreSeparateAWithdrawTakesThisNodesEntriesAndAPruneReachesEverySpace() throws Exception {
        one = cluster.member();
        two = cluster.member();
        HazelcastEndpointRegistry r1 = new HazelcastEndpointRegistry(one);
        HazelcastEndpointRegistry r2 = new HazelcastEndpointRegistry(two);
        List<String> left = new CopyOnWriteArrayList<>();
        r1.addListener(new RegistryListener() {
            @Override
            public void nodeLeft(String nodeId) {
                left.add(nodeId);
            }
        });
        r1.register("routes.web", "/hello", "http://127.0.0.1:8182");
        r2.register("routes.web", "/hello", "http://127.0.0.1:8183");
        r2.register("routes.web", "/echo", "http://127.0.0.1:8183");
        r2.register("routes.load-balancer", "/hello", "http://127.0.0.1:8183");
        r2.register("cxf", "demo/fo", "http://127.0.0.1:8183/cxf/Foo");

        Map<String, List<RegisteredEndpoint>> web = r1.endpoints("routes.web");
        assertEquals(Set.of("/echo", "/hello"), web.keySet());
        assertEquals(List.of(r1.localNodeId(), r2.localNodeId()), nodes(web.get("/hello")));
        assertEquals(List.of("/echo", "/hello"), r2.localPaths("routes.web"));
        assertEquals(List.of("/hello"), r1.localPaths("routes.web"));
        assertEquals(List.of(), r1.localPaths("routes.load-balancer"));

        r2.withdraw("routes.web", "/echo");
        assertEquals(Set.of("/hello"), r1.endpoints("routes.web").keySet());

        String gone = r2.localNodeId();
        two.getLifecycleService().terminate();
        await(() -> r1.endpoints("routes.web").get("/hello").size(), 1);
        await(() -> r1.endpoints("routes.load-balancer").isEmpty(), true);
        await(() -> r1.endpoints("cxf").isEmpty(), true);
        await(() -> left, List.of(gone));
    }

    @Test(timeout = 60_000)
    public void namesAndDrainingAreSeenByEveryMemberAndForgottenWhenTheNodeLeaves() throws Exception {
        one = cluster.member();
        two = cluster.member();
        HazelcastEndpointRegistry r1 = new HazelcastEndpointRegistry(one);
        HazelcastEndpointRegistry r2 = new HazelcastEndpointRegistry(two);
        List<String> changes = new CopyOnWriteArrayList<>();
        r1.addListener(new RegistryListener() {
            @Override
            public void drainingChanged(String nodeId, boolean draining) {
                changes.add(nodeId + "=" + draining);
            }
        });
        r1.announce("karaf1");
        r2.announce("karaf2");
        await(r1::nodeNames, Map.of(r1.localNodeId(), "karaf1", r2.localNodeId(), "karaf2"));

        r2.setDraining(true);
        await(r1::drainingNodes, Set.of(r2.localNodeId()));
        r2.setDraining(false);
        await(r1::drainingNodes, Set.of());
        r2.setDraining(true);
        await(r1::drainingNodes, Set.of(r2.localNodeId()));
        r1.acknowledgeDrain(r2.localNodeId());
        assertEquals(Set.of(r1.localNodeId()), r2.drainAcknowledgements(r2.localNodeId()));
        r2.setDraining(true);   // a new drain starts with no acknowledgement
        assertEquals(Set.of(), r2.drainAcknowledgements(r2.localNodeId()));
        r1.acknowledgeDrain(r2.localNodeId());

        String gone = r2.localNodeId();
        two.getLifecycleService().terminate();
        await(r1::drainingNodes, Set.of());
        await(r1::nodeNames, Map.of(r1.localNodeId(), "karaf1"));
        await(() -> r1.drainAcknowledgements(gone), Set.of());
        assertEquals(List.of(gone + "=true", gone + "=false", gone + "=true", gone + "=false"), changes);
    }

    @Test(timeout = 60_000)
    public void aClientReadsAndWatchesButCannotRegister() throws Exception {
        one = cluster.member();
        HazelcastEndpointRegistry member = new HazelcastEndpointRegistry(one);
        member.register("cxf", "demo/fo", "http://a/Foo");
        ClientConfig config = new ClientConfig();
        config.getGroupConfig().setName(cluster.group());
        config.getNetworkConfig().addAddress("127.0.0.1:" + cluster.basePort());
        client = HazelcastClient.newHazelcastClient(config);
        HazelcastEndpointRegistry reader = new HazelcastEndpointRegistry(client);

        assertTrue(reader.isAvailable());
        assertEquals(List.of("http://a/Foo"), reader.addresses("cxf", "demo/fo"));
        AtomicReference<List<RegisteredEndpoint>> seen = new AtomicReference<>();
        reader.watch("cxf", "demo/fo", seen::set);
        member.register("cxf", "demo/fo", "http://b/Foo");
        await(() -> seen.get() == null ? 0 : seen.get().size(), 2);
        assertEquals(List.of(member.localNodeId()), reader.memberIds());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.register("cxf", "demo/fo", "http://c/Foo"));
        assertTrue(e.getMessage(), e.getMessage().contains("Hazelcast client"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> member.endpoints("a|b"));
        assertTrue(bad.getMessage(), bad.getMessage().contains("'a|b' is not a registry space"));
    }

    private static List<String> nodes(List<RegisteredEndpoint> endpoints) {
        return endpoints.stream().map(RegisteredEndpoint::getNodeId).collect(Collectors.toList());
    }

    private static <T> void await(Supplier<T> actual, T expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!expected.equals(actual.get())) {
            assertTrue("saw " + actual.get() + ", expected " + expected, System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
    }
}
