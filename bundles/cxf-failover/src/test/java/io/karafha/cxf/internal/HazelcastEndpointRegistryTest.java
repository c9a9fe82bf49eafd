package io.karafha.cxf.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.EndpointRegistry;
import io.karafha.cxf.test.TestCluster;
import org.junit.After;
import org.junit.Test;

/** Two real Hazelcast members on loopback. */
public class HazelcastEndpointRegistryTest {

    private final TestCluster cluster = new TestCluster();
    private HazelcastInstance one;
    private HazelcastInstance two;

    @After
    public void down() {
        for (HazelcastInstance h : new HazelcastInstance[] {one, two}) {
            if (h != null && h.getLifecycleService().isRunning()) {
                h.getLifecycleService().terminate();
            }
        }
    }

    @Test(timeout = 60_000)
    public void orderIsRegistrationOrderAReRegistrationGoesToTheEndAndALeavingMemberIsPruned() throws Exception {
        one = cluster.member();
        two = cluster.member();
        EndpointRegistry r1 = EndpointRegistry.hazelcast(one);
        EndpointRegistry r2 = EndpointRegistry.hazelcast(two);
        AtomicReference<List<String>> seen = new AtomicReference<>();
        r1.watch("demo/fo", seen::set);

        EndpointRegistry.Registration a = r1.register("demo/fo", "http://a/Foo");
        r2.register("demo/fo", "http://b/Foo");
        r2.register("other/path", "http://b/Other");
        assertEquals(List.of("http://a/Foo", "http://b/Foo"), r2.addresses("demo/fo"));
        await(seen, List.of("http://a/Foo", "http://b/Foo"));

        a.close();
        r1.register("demo/fo", "http://a/Foo");
        assertEquals(List.of("http://b/Foo", "http://a/Foo"), r2.addresses("demo/fo"));
        await(seen, List.of("http://b/Foo", "http://a/Foo"));

        two.getLifecycleService().terminate();   // a crash: the survivor prunes b's entries
        await(seen, List.of("http://a/Foo"));
        assertEquals(List.of(), r1.addresses("other/path"));
    }

    private static void await(AtomicReference<List<String>> seen, List<String> expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!expected.equals(seen.get())) {
            assertTrue("watcher saw " + seen.get() + ", expected " + expected, System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
    }
}
