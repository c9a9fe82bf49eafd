package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runners.MethodSorters;

/**
 * The three real nodes started by ./karaf-ha up: one Cellar cluster with the role table, and
 * configuration that goes from karaf1 to karaf2 (and never to the balancer), deletes included,
 * and is caught up by a node that was down.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterSyncIT {

    private static final LocalCluster cluster = new LocalCluster();
    private static final String[] NODES = {"balancer", "karaf1", "karaf2"};

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.karafHa(120, "clean");
        long t0 = System.nanoTime();
        String out = cluster.karafHa(300, "up");
        System.out.printf("cluster up in %d ms (./karaf-ha up)%n", (System.nanoTime() - t0) / 1_000_000);
        System.out.println(out);
        for (String node : NODES) {
            System.out.printf("%-9s RSS %d MB%n", node, cluster.rssMb(node));
        }
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }

    @Test(timeout = 120_000)
    public void a_threeMembersAndTheRoleGroups() throws Exception {
        for (String node : NODES) {
            String nodes = cluster.shell(node, "cluster:node-list");
            for (String member : NODES) {
                assertTrue(node + " lists " + member + ":\n" + nodes, nodes.contains("127.0.0.1:" + LocalCluster.hazelcastPort(member)));
            }
            Map<String, List<String>> groups = groups(cluster.shell(node, "cluster:group-list"));
            assertEquals(node + ": load-balancer members", members(NODES), groups.get("load-balancer"));
            assertEquals(node + ": web members", members("karaf1", "karaf2"), groups.get("web"));
        }
    }

    @Test(timeout = 120_000)
    public void b_handlerAndListenerFlagsMatchTheRoleTable() throws Exception {
        for (String node : NODES) {
            boolean backend = !node.equals("balancer");
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("groups", backend ? "load-balancer, web" : "load-balancer");
            for (String handler : new String[] {"org.apache.karaf.cellar.bundle.BundleEventHandler",
                    "org.apache.karaf.cellar.config.ConfigurationEventHandler", "org.apache.karaf.cellar.features.FeaturesEventHandler",
                    "org.apache.karaf.cellar.dosgi.RemoteServiceCallHandler", "org.apache.karaf.cellar.event.ClusterEventHandler",
                    "org.apache.karaf.cellar.obr.ObrBundleEventHandler", "org.apache.karaf.cellar.obr.ObrUrlEventHandler"}) {
                expected.put("handler." + handler, String.valueOf(backend));
            }
            expected.put("handler.io.karafha.balancer.BalancerEventHandler", "true");
            expected.put("producer", String.valueOf(backend));
            expected.put("consumer", "true");
            expected.put("bundle.listener", String.valueOf(backend));
            expected.put("config.listener", String.valueOf(backend));
            expected.put("feature.listener", String.valueOf(backend));

            Map<String, String> actual = properties(cluster.shell(node, "config:property-list -p org.apache.karaf.cellar.node"));
            for (Map.Entry<String, String> e : expected.entrySet()) {
                assertEquals(node + ": " + e.getKey(), e.getValue(), actual.get(e.getKey()));
            }
        }
    }

    @Test(timeout = 180_000)
    public void c_configChangesReachTheOtherBackendWithinTwoSecondsBothWaysAndNeverTheBalancer() throws Exception {
        List<Long> latencies = new ArrayList<>();
        String value = null;
        for (int i = 1; i <= 20; i++) {
            // odd changes on karaf1, even ones on karaf2, each right after the previous one arrived
            String from = i % 2 == 1 ? "karaf1" : "karaf2";
            String to = i % 2 == 1 ? "karaf2" : "karaf1";
            value = "sync-" + i + "-" + System.nanoTime();
            cluster.shell(from, "config:property-set -p io.karafha.demo message " + value);
            long t0 = System.nanoTime();
            while (!cluster.get(to, "/hello").contains("message: " + value)) {
                long waited = (System.nanoTime() - t0) / 1_000_000;
                assertTrue("change " + i + " (" + from + " -> " + to + ") not on " + to + "'s /hello after " + waited + " ms",
                        waited < 2000);
                Thread.sleep(10);
            }
            latencies.add((System.nanoTime() - t0) / 1_000_000);
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("config sync between backends over %d changes: median %d ms, worst %d ms, in order %s%n",
                sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), latencies);

        // no echo brings an older value back: both still hold the last change a while later
        Thread.sleep(3000);
        for (String node : new String[] {"karaf1", "karaf2"}) {
            assertTrue(node + " still shows the last change", cluster.get(node, "/hello").contains("message: " + value));
        }

        String onBalancer = cluster.shell("balancer", "config:list '(service.pid=io.karafha.demo)'");
        assertFalse("the balancer has no io.karafha.demo configuration:\n" + onBalancer, onBalancer.contains("io.karafha.demo"));
        String features = cluster.shell("balancer", "feature:list -i");
        assertFalse("the balancer runs no application:\n" + features, features.contains("ha-demo"));
    }

    @Test(timeout = 120_000)
    public void d_deleteOnKaraf1IsDeletedOnKaraf2() throws Exception {
        cluster.shell("karaf1", "config:property-set -p io.karafha.demo extra kept-until-deleted");
        awaitProperty("karaf2", "extra", "kept-until-deleted");
        cluster.shell("karaf1", "config:property-delete -p io.karafha.demo extra");
        awaitProperty("karaf2", "extra", null);
    }

    @Test(timeout = 400_000)
    public void e_changeMadeWhileKaraf2IsDownIsThereAfterItRestarts() throws Exception {
        cluster.karafHa(120, "stop", "karaf2");
        String value = "while-karaf2-was-down-" + System.nanoTime();
        cluster.shell("karaf1", "config:property-set -p io.karafha.demo message " + value);
        long t0 = System.nanoTime();
        cluster.karafHa(300, "start", "karaf2");
        System.out.printf("karaf2 restarted and rejoined in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!cluster.get("karaf2", "/hello").contains("message: " + value)) {
            assertTrue("karaf2 did not catch up the change made while it was down: " + cluster.get("karaf2", "/hello"),
                    System.currentTimeMillis() < deadline);
            Thread.sleep(200);
        }
    }

    private void awaitProperty(String node, String key, String value) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            String actual = properties(cluster.shell(node, "config:property-list -p io.karafha.demo")).get(key);
            if (value == null ? actual == null : value.equals(actual)) {
                return;
            }
            assertTrue(node + ": io.karafha.demo " + key + " is '" + actual + "', expected '" + value + "'",
                    System.currentTimeMillis() < deadline);
            Thread.sleep(200);
        }
    }

    private static List<String> members(String... nodes) {
        List<String> list = new ArrayList<>();
        for (String n : nodes) {
            list.add("127.0.0.1:" + LocalCluster.hazelcastPort(n));
        }
        Collections.sort(list);
        return list;
    }

    /** Rows of cluster:group-list: "  | web | 127.0.0.1:6702 127.0.0.1:6703(x)". */
    static Map<String, List<String>> groups(String table) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String line : table.split("\\R")) {
            String[] cols = line.split("\\|");
            if (cols.length < 3 || cols[1].trim().equals("Group") || cols[1].trim().isEmpty()) {
                continue;
            }
            List<String> members = new ArrayList<>();
            Matcher m = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+").matcher(cols[2]);
            while (m.find()) {
                members.add(m.group());
            }
            Collections.sort(members);
            groups.put(cols[1].trim(), members);
        }
        return groups;
    }

    /** Lines "   key = value" of config:property-list. */
    static Map<String, String> properties(String listing) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : listing.split("\\R")) {
            int eq = line.indexOf(" = ");
            if (eq > 0) {
                map.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
            }
        }
        return map;
    }
}
