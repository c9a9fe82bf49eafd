package io.karafha.cxf.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.ClusterServerListenerFeature;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.hazelcast.HazelcastEndpointRegistry;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.junit.Test;

/** The plain-Java client against a real Hazelcast member and two real Foo servers on loopback. */
public class FooClientMainTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String capture(String[] args, int[] status) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            status[0] = FooClientMain.run(args);
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        return text;
    }

    @Test(timeout = 120_000)
    public void callsTheMasterThroughTheClusterRegistry() throws Exception {
        int hzPort = freePort();
        Config config = new Config();
        config.getGroupConfig().setName("karaf-ha");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(hzPort).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + hzPort);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        Server karaf1 = null;
        Server karaf2 = null;
        try {
            EndpointRegistry registry = new HazelcastEndpointRegistry(member);
            karaf1 = publish(registry, "karaf1");
            karaf2 = publish(registry, "karaf2");
            int[] status = new int[1];
            String out = capture(new String[] {"127.0.0.1:" + hzPort, "demo/fo", "5"}, status);
            assertEquals(out, 0, status[0]);
            assertTrue(out, out.contains("call 1: karaf1 in "));
            assertTrue(out, out.contains("5 calls: {karaf1=5}, failed 0"));
        } finally {
            if (karaf1 != null) {
                karaf1.destroy();
            }
            if (karaf2 != null) {
                karaf2.destroy();
            }
            member.getLifecycleService().terminate();
        }
    }

    @Test(timeout = 60_000)
    public void anUnreachableClusterIsAClearErrorAfterTheMaximumWait() throws Exception {
        System.setProperty("maximumConnectionTimeout", "2000");
        try {
            long t0 = System.nanoTime();
            PrintStream err = System.err;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            int[] status = new int[1];
            try {
                capture(new String[] {"127.0.0.1:" + freePort(), "demo/fo", "1"}, status);
            } finally {
                System.setErr(err);
            }
            long took = (System.nanoTime() - t0) / 1_000_000;
            String text = bytes.toString(StandardCharsets.UTF_8);
            System.err.println(text);
            assertEquals(2, status[0]);
            assertTrue(text, text.contains("the cluster registry was not reachable within 2000 ms"));
            assertTrue("gave up after the maximum wait: " + took + " ms", took >= 2000 && took < 8000);
        } finally {
            System.clearProperty("maximumConnectionTimeout");
        }
    }

    private static Server publish(EndpointRegistry registry, String node) throws IOException {
        JaxWsServerFactoryBean f = new JaxWsServerFactoryBean();
        f.setServiceClass(Foo.class);
        f.setServiceBean(new FooImpl(node));
        f.setAddress("http://127.0.0.1:" + freePort() + "/cxf/Foo");
        f.getFeatures().add(new ClusterServerListenerFeature(registry, "demo/fo"));
        return f.create();
    }
}
