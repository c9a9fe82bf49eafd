package io.karafha.cxf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.ws.BindingProvider;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.test.Greeter;
import io.karafha.cxf.test.GreeterFault;
import io.karafha.cxf.test.GreeterImpl;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.hazelcast.HazelcastEndpointRegistry;
import io.karafha.registry.test.TestCluster;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.http_jetty.JettyHTTPServerEngineFactory;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Real CXF servers on loopback (Jetty), registered in a real embedded Hazelcast member; real CXF
 * clients with the failover feature. A "crash" is the server's Jetty port closed while its
 * registration stays, as after kill -9 until the cluster drops the node.
 */
public class ClusterFailoverFeatureTest {

    private static final AtomicInteger PATHS = new AtomicInteger();
    private static HazelcastInstance member;
    private static EndpointRegistry registry;

    private final List<Server> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final String path = "test/fo" + PATHS.incrementAndGet();

    @BeforeClass
    public static void cluster() {
        member = new TestCluster().member();
        registry = new HazelcastEndpointRegistry(member);
    }

    @AfterClass
    public static void shutdown() {
        member.getLifecycleService().terminate();
    }

    @After
    public void stopServers() {
        servers.forEach(Server::destroy);
        ports.forEach(this::crash);
    }

    /** A server named name, registered under this test's path. */
    private GreeterImpl server(String name) {
        int port = TestCluster.freePort();
        return server(name, port);
    }

    private GreeterImpl server(String name, int port) {
        GreeterImpl impl = new GreeterImpl(name);
        JaxWsServerFactoryBean f = new JaxWsServerFactoryBean();
        f.setServiceClass(Greeter.class);
        f.setServiceBean(impl);
        f.setAddress("http://127.0.0.1:" + port + "/greeter");
        f.getFeatures().add(new ClusterServerListenerFeature(registry, path));
        servers.add(f.create());
        ports.add(port);
        return impl;
    }

    /** Closes the server's HTTP port and its connections, leaving its registration: a crashed node. */
    private void crash(int port) {
        new JettyHTTPServerEngineFactory().destroyForPort(port);
    }

    private Greeter client(ClusterFailoverFeature feature) {
        JaxWsProxyFactoryBean f = new JaxWsProxyFactoryBean();
        f.setServiceClass(Greeter.class);
        f.setAddress("http://127.0.0.1:1/not-used");
        f.getFeatures().add(feature);
        Greeter greeter = (Greeter) f.create();
        Map<String, Object> rc = ((BindingProvider) greeter).getRequestContext();
        rc.put("javax.xml.ws.client.connectionTimeout", 1000);
        rc.put("javax.xml.ws.client.receiveTimeout", 1000);
        return greeter;
    }

    private ClusterFailoverFeature feature() {
        return new ClusterFailoverFeature(registry, path);
    }

    @Test(timeout = 60_000)
    public void theFirstRegisteredServerIsTheMasterAndACrashedMasterCostsNoFailedCall() throws Exception {
        GreeterImpl a = server("a");
        GreeterImpl b = server("b");
        assertEquals(2, registry.addresses("cxf", path).size());
        Greeter greeter = client(feature());
        for (int i = 0; i < 10; i++) {
            assertEquals("a", greeter.node());   // keep-alive connections to a are open now
        }
        crash(ports.get(0));
        long t0 = System.nanoTime();
        assertEquals("the next call after the crash is answered by b, no error", "b", greeter.node());
        long failoverMs = (System.nanoTime() - t0) / 1_000_000;
        for (int i = 0; i < 10; i++) {
            assertEquals("b", greeter.node());
        }
        assertEquals(10, a.calls.get());
        assertEquals(11, b.calls.get());
        System.out.println("crash of the master -> first call answered by the follower in " + failoverMs + " ms");
    }

    @Test(timeout = 60_000)
    public void aRestartedServerComesBackAtTheEndAndTheClientStaysOnTheNewMaster() throws Exception {
        server("a");
        server("b");
        Greeter greeter = client(feature());
        assertEquals("a", greeter.node());
        int portA = ports.get(0);
        Server serverA = servers.get(0);
        serverA.destroy();
        crash(portA);
        servers.remove(serverA);
        assertEquals("b", greeter.node());
        server("a again", portA);
        List<String> addresses = registry.addresses("cxf", path);
        assertEquals("a's address is registered again, at the end: " + addresses, "http://127.0.0.1:" + portA + "/greeter", addresses.get(1));
        for (int i = 0; i < 10; i++) {
            assertEquals("b", greeter.node());
        }
    }

    @Test(timeout = 60_000)
    public void aSoapFaultFromALiveServerIsReturnedAndNotRetried() throws Exception {
        GreeterImpl a = server("a");
        GreeterImpl b = server("b");
        Greeter greeter = client(feature());
        try {
            greeter.fail("boom");
            fail("no fault");
        } catch (GreeterFault expected) {
            assertEquals("boom from a", expected.getMessage());
            assertEquals("a", expected.getFaultInfo().node);
        }
        assertEquals(1, a.calls.get());
        assertEquals("b was never called", 0, b.calls.get());
        assertEquals("a stays master", "a", greeter.node());
    }

    @Test(timeout = 60_000)
    public void anExceptionNotInTheListIsNotRetried() throws Exception {
        server("a");
        GreeterImpl b = server("b");
        ClusterFailoverFeature feature = feature();
        feature.setExceptions("java.net.http.HttpTimeoutException");
        Greeter greeter = client(feature);
        crash(ports.get(0));
        try {
            greeter.node();
            fail("the connect failure must reach the caller");
        } catch (RuntimeException expected) {
            assertTrue(String.valueOf(expected), causes(expected).contains("java.net.ConnectException"));
        }
        assertEquals("b was never called", 0, b.calls.get());
    }

    @Test(timeout = 60_000)
    public void aListedExceptionCountsAnywhereInTheCauseChainAndEveryListedOneCounts() throws Exception {
        server("a");
        server("b");
        ClusterFailoverFeature feature = feature();
        // ConnectException is not the last cause CXF reports, and not the last name in the list
        feature.setExceptions("java.net.ConnectException; java.lang.IllegalStateException");
        Greeter greeter = client(feature);
        crash(ports.get(0));
        assertEquals("b", greeter.node());
    }

    @Test(timeout = 60_000)
    public void aCallThatTimedOutAfterSendingIsNotReplayedButTheNextCallsMoveOn() throws Exception {
        GreeterImpl a = server("a");
        GreeterImpl b = server("b");
        Greeter greeter = client(feature());
        // warm up first: a first call initialises CXF on both sides, which on a busy machine can
        // take longer than the 1 s receive timeout by itself
        assertEquals("a", greeter.node());
        a.calls.set(0);
        a.hang = 3000;
        try {
            greeter.node();
            fail("a read timeout must reach the caller when replayAfterSend is off");
        } catch (RuntimeException expected) {
            assertTrue(String.valueOf(expected), causes(expected).contains("TimeoutException"));
        }
        assertEquals(1, a.calls.get());
        assertEquals("not replayed on b", 0, b.calls.get());
        assertEquals("the next call goes to b", "b", greeter.node());
    }

    @Test(timeout = 60_000)
    public void withReplayAfterSendTheTimedOutCallIsReplayedOnTheNextServer() throws Exception {
        GreeterImpl a = server("a");
        GreeterImpl b = server("b");
        ClusterFailoverFeature feature = feature();
        feature.setReplayAfterSend(true);
        Greeter greeter = client(feature);
        a.hang = 3000;
        assertEquals("the same call answered by b", "b", greeter.node());
        assertEquals(1, a.calls.get());
        assertEquals(1, b.calls.get());
    }

    @Test(timeout = 60_000)
    public void registryChangesAreFollowedLive() throws Exception {
        server("a");
        Greeter greeter = client(feature());
        assertEquals("a", greeter.node());
        server("b");
        servers.get(0).destroy();   // a unregisters
        long deadline = System.currentTimeMillis() + 5000;
        while (!"b".equals(greeter.node())) {
            assertTrue("the client did not follow the registry to b", System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
    }

    @Test(timeout = 60_000)
    public void aFailedAddressIsTriedAgainOnlyAfterTheRetryIntervalAndThenAsAFollower() throws Exception {
        server("a");
        GreeterImpl b = server("b");
        ClusterFailoverFeature feature = feature();
        feature.setRetryInterval(500);
        Greeter greeter = client(feature);
        Server serverA = servers.get(0);
        serverA.stop();                  // a stops answering (404 at its port is an answer, so crash it)
        int portA = ports.get(0);
        crash(portA);
        assertEquals("b", greeter.node());
        assertEquals("b", greeter.node());
        Thread.sleep(600);
        assertEquals("a is eligible again but only after b", "b", greeter.node());
        assertTrue(b.calls.get() >= 3);
    }

    @Test(timeout = 60_000)
    public void nothingRegisteredIsAClearError() {
        Greeter greeter = client(feature());
        try {
            greeter.node();
            fail("no endpoint");
        } catch (RuntimeException expected) {
            assertTrue(String.valueOf(expected), causes(expected).contains("No CXF endpoint is registered under '" + path + "'"));
        }
    }

    static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append(" <- ");
        }
        return sb.toString();
    }
}
