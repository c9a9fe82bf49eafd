package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runners.MethodSorters;

/**
 * Configuration sync as a user relies on it, on the three real nodes of ./karaf-ha up: no edit lost
 * in quick bursts on both backends at once (shell and ConfigAdmin), factory configurations matched
 * by their name, and Cellar's cluster:config-* commands. Every check reads what a user would:
 * config:list on each node and the etc/ file of each backend; the balancer holds none of it.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ConfigConsistencyIT {

    /** Rounds of the burst test; one lost key in 7 provisioning sequences was seen before the fix. */
    static final int ROUNDS = Integer.getInteger("config.stress.rounds", 10);
    static final int KEYS = 8;

    private static final LocalCluster cluster = new LocalCluster();
    private static final String[] BACKENDS = {"karaf1", "karaf2"};

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }

    @Test(timeout = 600_000)
    public void a_burstsOfEditsOnBothBackendsAtOnceLoseNothing() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        int edits = 0;
        int lost = 0;
        List<String> report = new ArrayList<>();
        List<Long> settle = new ArrayList<>();
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                Map<String, Map<String, String>> expected = new TreeMap<>();
                List<Future<Integer>> running = new ArrayList<>();
                for (String node : BACKENDS) {
                    String shellPid = "acc.rapid." + node + ".r" + round;
                    String adminPid = "acc.admin." + node + ".r" + round;
                    expected.put(shellPid, keys("k"));
                    expected.put(adminPid, keys("a"));
                    running.add(writers.submit(() -> shellBurst(node, shellPid)));
                    running.add(writers.submit(() -> adminBurst(node, adminPid)));
                }
                for (Future<Integer> f : running) {
                    edits += f.get(300, TimeUnit.SECONDS);
                }
                long t0 = System.nanoTime();
                List<String> differences = awaitEverywhere(expected, 20_000);
                settle.add((System.nanoTime() - t0) / 1_000_000);
                if (!differences.isEmpty()) {
                    lost++;
                    report.add("round " + round + " differs 20 s after its last edit: " + differences);
                    System.out.println(report.get(report.size() - 1));
                }
            }
        } finally {
            writers.shutdownNow();
        }
        Collections.sort(settle);
        System.out.printf("config bursts: %d rounds, %d edits (shell and ConfigAdmin, both backends at once), %d rounds with a "
                + "difference; all nodes agreed %d ms (median) / %d ms (worst) after the last edit%n", ROUNDS, edits, lost,
                settle.get(settle.size() / 2), settle.get(settle.size() - 1));
        assertEquals("rounds where a key was lost or a node differs: " + report + cluster.logTails(), 0, lost);
    }

    /** The issue's provisioning sequence: KEYS separate config:property-set over SSH, then a delete and a set of k3. */
    private static int shellBurst(String node, String pid) throws Exception {
        for (int k = 1; k <= KEYS; k++) {
            cluster.shell(node, "config:property-set -p " + pid + " k" + k + " v" + k);
        }
        cluster.shell(node, "config:property-delete -p " + pid + " k3");
        cluster.shell(node, "config:property-set -p " + pid + " k3 v3");
        return KEYS + 2;
    }

    /** The same through the ConfigAdmin service (an application's way), one update per call, on a file-backed PID. */
    private static int adminBurst(String node, String pid) throws Exception {
        cluster.shell(node, "config:property-set -p " + pid + " a1 v1");
        for (int k = 2; k <= KEYS; k++) {
            cluster.shell(node, adminUpdate(pid, "$d put a" + k + " v" + k));
        }
        cluster.shell(node, adminUpdate(pid, "$d remove a3"));
        cluster.shell(node, adminUpdate(pid, "$d put a3 v3"));
        return KEYS + 2;
    }

    private static String adminUpdate(String pid, String change) {
        return "ref = $.context serviceReference org.osgi.service.cm.ConfigurationAdmin; cm = $.context service $ref; "
                + "c = $cm getConfiguration " + pid + " \"?\"; d = $c properties; " + change + "; $c update $d";
    }

    private static Map<String, String> keys(String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (int k = 1; k <= KEYS; k++) {
            m.put(prefix + k, "v" + k);
        }
        return m;
    }

    @Test(timeout = 300_000)
    public void b_factoryConfigurationsAreMatchedByNameCreatedChangedAndDeleted() throws Exception {
        String factory = "acc.datasource";
        cluster.shell("karaf1", "config:edit --factory --alias acc-ds " + factory + "; config:property-set url jdbc:h2:mem:acc; "
                + "config:property-set user sa; config:update");
        Map<String, String> want = new TreeMap<>(Map.of("url", "jdbc:h2:mem:acc", "user", "sa"));
        long t0 = System.nanoTime();
        assertEquals("", String.join("; ", awaitFactory(factory, "acc-ds", want, 10_000)));
        System.out.printf("factory configuration created on karaf1 was on karaf2 in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        String pid1 = factoryPids("karaf1", factory).get("acc-ds");
        String pid2 = factoryPids("karaf2", factory).get("acc-ds");
        assertNotEquals("each node has its own PID for the factory configuration", pid1, pid2);

        // changed on karaf2 (through its own PID) -> karaf1
        cluster.shell("karaf2", "config:property-set -p " + pid2 + " url jdbc:h2:mem:changed");
        want.put("url", "jdbc:h2:mem:changed");
        assertEquals("", String.join("; ", awaitFactory(factory, "acc-ds", want, 10_000)));

        // a burst of creations and deletions on both backends at once
        ExecutorService writers = Executors.newFixedThreadPool(2);
        List<Future<?>> running = new ArrayList<>();
        for (String node : BACKENDS) {
            running.add(writers.submit(() -> {
                for (int i = 1; i <= 3; i++) {
                    cluster.shell(node, "config:edit --factory --alias " + node + "-" + i + " " + factory
                            + "; config:property-set n " + i + "; config:update");
                }
                cluster.shell(node, "config:delete " + factoryPids(node, factory).get(node + "-2"));
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(120, TimeUnit.SECONDS);
        }
        writers.shutdownNow();
        // deleted on karaf1 -> gone on karaf2
        cluster.shell("karaf1", "config:delete " + pid1);
        long deadline = System.currentTimeMillis() + 15_000;
        Map<String, Map<String, String>> expected = new TreeMap<>();
        for (String node : BACKENDS) {
            for (int i : new int[] {1, 3}) {
                expected.put(node + "-" + i, Map.of("n", String.valueOf(i)));
            }
        }
        List<String> differences;
        do {
            differences = new ArrayList<>();
            for (String node : BACKENDS) {
                Map<String, Map<String, String>> actual = factoryConfigs(node, factory);
                if (!actual.equals(expected)) {
                    differences.add(node + " ConfigAdmin has " + actual);
                }
                for (String name : List.of("acc-ds", "karaf1-1", "karaf1-2", "karaf1-3", "karaf2-1", "karaf2-2", "karaf2-3")) {
                    Path file = etc(node).resolve(factory + "-" + name + ".cfg");
                    boolean shouldExist = expected.containsKey(name);
                    if (Files.exists(file) != shouldExist) {
                        differences.add(node + " " + file.getFileName() + (shouldExist ? " missing" : " still there"));
                    }
                }
            }
            if (!differences.isEmpty()) {
                Thread.sleep(300);
            }
        } while (!differences.isEmpty() && System.currentTimeMillis() < deadline);
        assertEquals("", String.join("; ", differences));
        String onBalancer = cluster.shell("balancer", "config:list '(service.factoryPid=" + factory + ")'");
        assertFalse("the balancer has none of them:\n" + onBalancer, onBalancer.contains(factory));
    }

    @Test(timeout = 300_000)
    public void c_clusterConfigCommandsChangeTheGroupFromAnyNode() throws Exception {
        String pid = "acc.cmd";
        // from the balancer, which is not a member of group web
        cluster.shell("balancer", "cluster:config-property-set web " + pid + " greeting hello");
        awaitOnBackends(pid, Map.of("greeting", "hello"));
        cluster.shell("karaf1", "cluster:config-property-append web " + pid + " greeting -world");
        cluster.shell("karaf2", "cluster:config-property-set web " + pid + " extra 1");
        awaitOnBackends(pid, Map.of("greeting", "hello-world", "extra", "1"));

        String list = cluster.shell("karaf1", "cluster:config-property-list web " + pid);
        System.out.println("cluster:config-property-list web " + pid + "\n" + list);
        assertTrue(list, list.contains("Property list for configuration PID " + pid + " for cluster group web"));
        assertTrue(list, list.contains("   greeting = hello-world"));
        String listing = cluster.shell("karaf1", "cluster:config-list web " + pid);
        System.out.println("cluster:config-list web " + pid + "\n" + listing);
        assertTrue(listing, listing.contains("Pid:            " + pid));
        assertTrue(listing, listing.contains("Located:        cluster/local"));

        cluster.shell("karaf2", "cluster:config-property-delete web " + pid + " extra");
        awaitOnBackends(pid, Map.of("greeting", "hello-world"));
        cluster.shell("karaf1", "cluster:config-delete web " + pid);
        awaitOnBackends(pid, null);
        String onBalancer = cluster.shell("balancer", "config:list '(service.pid=" + pid + ")'");
        assertFalse("the balancer never had it:\n" + onBalancer, onBalancer.contains(pid));

        // refused: a PID the group's black list excludes, an unknown group; nothing written
        String[] blocked = cluster.shellResult("karaf1", "cluster:config-property-set web org.apache.karaf.shell acc.x 1");
        System.out.println("black-listed PID: exit " + blocked[0] + "\n" + blocked[1]);
        assertTrue(blocked[1], blocked[1].contains("Configuration PID org.apache.karaf.shell is blocked outbound for cluster group web"));
        String[] unknown = cluster.shellResult("balancer", "cluster:config-property-set nosuchgroup " + pid + " k v");
        System.out.println("unknown group: exit " + unknown[0] + "\n" + unknown[1]);
        assertTrue(unknown[1], unknown[1].contains("Cluster group nosuchgroup doesn't exist"));
        // refused: a value the PID's metatype rejects (Karaf's org.apache.karaf.log: size is an Integer)
        String[] invalid = cluster.shellResult("karaf1", "cluster:config-property-set web org.apache.karaf.log size lots");
        System.out.println("value the metatype rejects: exit " + invalid[0] + "\n" + invalid[1]);
        assertTrue(invalid[1], invalid[1].contains("Value 'lots' of property size is not valid for configuration PID org.apache.karaf.log"));
        String[] appended = cluster.shellResult("karaf2", "cluster:config-property-append web org.apache.karaf.log size x");
        assertTrue(appended[1], appended[1].contains("of property size is not valid for configuration PID org.apache.karaf.log"));
        Thread.sleep(1500);
        for (String node : BACKENDS) {
            String logCfg = cluster.shell(node, "config:property-list -p org.apache.karaf.log");
            assertFalse(node + " got the refused value:\n" + logCfg, logCfg.contains("lots") || logCfg.matches("(?s).*size = \\S*x.*"));
            String shellCfg = cluster.shell(node, "config:property-list -p org.apache.karaf.shell");
            assertFalse(node + " got the refused property:\n" + shellCfg, shellCfg.contains("acc.x"));
            assertFalse(node + " got a configuration from the refused command", Files.exists(etc(node).resolve(pid + ".cfg")));
        }
    }

    // ---- what a user would look at ----

    private static Path etc(String node) {
        return cluster.home().resolve(node).resolve("etc");
    }

    /** Waits until ConfigAdmin and the etc/ file of both backends hold exactly the expected keys, and the balancer none. */
    private static List<String> awaitEverywhere(Map<String, Map<String, String>> expected, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<String> differences = new ArrayList<>();
            for (String node : BACKENDS) {
                Map<String, Map<String, String>> admin = configs(node, "acc.*");
                for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
                    Map<String, String> inAdmin = admin.get(e.getKey());
                    Map<String, String> inFile = file(etc(node).resolve(e.getKey() + ".cfg"));
                    if (!e.getValue().equals(inAdmin)) {
                        differences.add(node + " ConfigAdmin " + e.getKey() + " = " + inAdmin);
                    }
                    if (!e.getValue().equals(inFile)) {
                        differences.add(node + " etc/" + e.getKey() + ".cfg = " + inFile);
                    }
                }
            }
            Map<String, Map<String, String>> onBalancer = configs("balancer", "acc.*");
            if (!onBalancer.isEmpty()) {
                differences.add("balancer has " + onBalancer.keySet());
            }
            if (differences.isEmpty() || System.currentTimeMillis() > deadline) {
                return differences;
            }
            Thread.sleep(500);
        }
    }

    private static void awaitOnBackends(String pid, Map<String, String> expected) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            List<String> differences = new ArrayList<>();
            for (String node : BACKENDS) {
                Map<String, String> inAdmin = configs(node, pid).get(pid);
                Map<String, String> inFile = file(etc(node).resolve(pid + ".cfg"));
                if (!java.util.Objects.equals(expected, inAdmin) || !java.util.Objects.equals(expected, inFile)) {
                    differences.add(node + ": ConfigAdmin " + inAdmin + ", file " + inFile);
                }
            }
            if (differences.isEmpty()) {
                return;
            }
            assertTrue(pid + " expected " + expected + " on both backends: " + differences, System.currentTimeMillis() < deadline);
            Thread.sleep(300);
        }
    }

    private static List<String> awaitFactory(String factory, String name, Map<String, String> expected, long timeoutMillis)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<String> differences = new ArrayList<>();
            for (String node : BACKENDS) {
                Map<String, String> inAdmin = factoryConfigs(node, factory).get(name);
                Map<String, String> inFile = file(etc(node).resolve(factory + "-" + name + ".cfg"));
                if (!expected.equals(inAdmin) || !expected.equals(inFile)) {
                    differences.add(node + ": ConfigAdmin " + inAdmin + ", file " + inFile);
                }
            }
            if (differences.isEmpty() || System.currentTimeMillis() > deadline) {
                return differences;
            }
            Thread.sleep(300);
        }
    }

    /** The node's configurations whose PID matches the filter value, as config:list shows them, without node-local keys. */
    static Map<String, Map<String, String>> configs(String node, String pidPattern) throws Exception {
        return parse(cluster.shell(node, "config:list '(service.pid=" + pidPattern + ")'"), false);
    }

    /** The node's factory configurations of the factory PID, by their name (file base name after "factoryPid-"). */
    static Map<String, Map<String, String>> factoryConfigs(String node, String factory) throws Exception {
        return parse(cluster.shell(node, "config:list '(service.factoryPid=" + factory + ")'"), true);
    }

    static Map<String, String> factoryPids(String node, String factory) throws Exception {
        Map<String, String> pids = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> e : parseRaw(cluster.shell(node,
                "config:list '(service.factoryPid=" + factory + ")'")).entrySet()) {
            pids.put(nameOf(e.getValue().get("felix.fileinstall.filename"), factory), e.getKey());
        }
        return pids;
    }

    private static Map<String, Map<String, String>> parse(String listing, boolean byName) {
        Map<String, Map<String, String>> result = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> e : parseRaw(listing).entrySet()) {
            Map<String, String> props = new TreeMap<>(e.getValue());
            String factory = props.get("service.factoryPid");
            String key = byName ? nameOf(props.get("felix.fileinstall.filename"), factory) : e.getKey();
            props.keySet().removeIf(k -> k.startsWith("service.") || k.startsWith("felix.fileinstall."));
            result.put(key, props);
        }
        return result;
    }

    private static String nameOf(String fileName, String factory) {
        if (fileName == null) {
            return "(no file)";
        }
        String base = fileName.substring(fileName.lastIndexOf('/') + 1).replaceAll("\\.cfg$", "");
        return base.startsWith(factory + "-") ? base.substring(factory.length() + 1) : base;
    }

    /** Blocks of config:list: "Pid:            x" ... "Properties:" then "   key = value" lines. */
    private static Map<String, Map<String, String>> parseRaw(String listing) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : listing.split("\\R")) {
            if (line.startsWith("Pid:")) {
                current = new TreeMap<>();
                result.put(line.substring(4).trim(), current);
            } else if (current != null && line.startsWith("   ") && line.contains(" = ")) {
                int eq = line.indexOf(" = ");
                current.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
            }
        }
        return result;
    }

    /** The etc/ file's properties without node-local keys, or null when there is no file. */
    private static Map<String, String> file(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            p.load(in);
        }
        Map<String, String> m = new TreeMap<>();
        p.forEach((k, v) -> {
            if (!k.toString().startsWith("felix.fileinstall.") && !k.toString().startsWith("service.")) {
                m.put(k.toString(), v.toString());
            }
        });
        return m;
    }
}
