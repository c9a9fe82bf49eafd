package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Ignore;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runners.MethodSorters;

/**
 * Feature sync as a user relies on it, on the three real nodes of ./karaf-ha up: a feature installed,
 * upgraded or uninstalled on ONE backend, and a features repository added or removed there, reaches the
 * other backend within a bound; the node that made the change keeps it; neither backend refreshes
 * Cellar's or the kit's own bundles along the way; the balancer gets none of it; a backend that was down
 * catches up when it starts again. Takes about 3 minutes.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FeatureSyncIT {

    /** How long the other backend may take to list a change (measured: see the printed figures). */
    static final long BOUND_MS = 30_000;
    private static final Pattern BUNDLE = Pattern.compile("^\\s*(\\d+)\\s*[|│]\\s*(\\w+)\\s*[|│].*[|│]\\s*(\\S+)\\s*$");
    private static final Pattern SERVICE_ID = Pattern.compile("service\\.id = (\\d+)");

    private static final LocalCluster cluster = new LocalCluster();
    private static final Map<String, String> infraBefore = new TreeMap<>();
    private static final List<String> figures = new ArrayList<>();
    private static Path probeRepo;

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
        for (String node : List.of("karaf1", "karaf2")) {
            infraBefore.put(node, infrastructure(node));
        }
        probeRepo = cluster.home().resolve("feature-sync-probe.xml");
        Files.writeString(probeRepo, "<features name=\"feature-sync-probe\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">\n"
                + "  <feature name=\"sync-probe\" version=\"1.0.0\" description=\"FeatureSyncIT probe 1.0.0\"/>\n"
                + "  <feature name=\"sync-probe\" version=\"1.1.0\" description=\"FeatureSyncIT probe 1.1.0\"/>\n"
                + "</features>\n", StandardCharsets.UTF_8);
    }

    @AfterClass
    public static void down() throws Exception {
        System.out.println("FeatureSyncIT figures:\n  " + String.join("\n  ", figures));
        cluster.karafHa(120, "down");
    }

    @Test(timeout = 240_000)
    public void a_aFeatureInstalledOnOneBackendIsInstalledAndServingOnTheOther() throws Exception {
        assertFalse(installed("karaf2", "ha-cxf-demo"));
        long start = System.currentTimeMillis();
        run("karaf1", "feature:install ha-cxf-demo");
        long commandMs = System.currentTimeMillis() - start;
        long listed = await("karaf2 lists ha-cxf-demo installed", () -> installed("karaf2", "ha-cxf-demo"));
        long serving = await("karaf2 serves /cxf/Foo?wsdl", () -> cluster.get("karaf2", "/cxf/Foo?wsdl").startsWith("200\n"));
        figures.add("feature:install ha-cxf-demo on karaf1: command " + commandMs + " ms; karaf2 lists it " + listed
                + " ms and serves /cxf/Foo?wsdl " + serving + " ms after the command returned");
        assertTrue("karaf1 keeps ha-cxf-demo", installed("karaf1", "ha-cxf-demo"));
        assertTrue(cluster.get("karaf1", "/cxf/Foo?wsdl").startsWith("200\n"));
        assertFalse("the balancer gets no application feature", installed("balancer", "ha-cxf-demo"));
        Thread.sleep(3000); // a late echo or a late sync of Cellar's would show here
        assertTrue("karaf1 still keeps ha-cxf-demo", installed("karaf1", "ha-cxf-demo"));
        assertTrue("karaf2 still has ha-cxf-demo", installed("karaf2", "ha-cxf-demo"));
    }

    @Test(timeout = 120_000)
    public void b_aRepositoryAddedAndAFeatureUpgradedOnTheOtherBackendReachKaraf1() throws Exception {
        String uri = probeRepo.toUri().toString();
        run("karaf2", "feature:repo-add " + uri);
        long repo = await("karaf1 lists the repository " + uri, () -> run("karaf1", "feature:repo-list").contains(uri));
        run("karaf2", "feature:install sync-probe/1.0.0");
        long install = await("karaf1 has sync-probe 1.0.0", () -> installedVersions("karaf1", "sync-probe").equals(List.of("1.0.0")));
        run("karaf2", "feature:install -u sync-probe/1.1.0");
        long upgrade = await("karaf1 has sync-probe 1.1.0 only", () -> installedVersions("karaf1", "sync-probe").equals(List.of("1.1.0")));
        figures.add("on karaf2 -> karaf1: repo-add " + repo + " ms, install " + install + " ms, upgrade (feature:install -u) " + upgrade + " ms");
        assertEquals("karaf2 keeps the upgrade", List.of("1.1.0"), installedVersions("karaf2", "sync-probe"));
        assertFalse("the balancer gets no repository", run("balancer", "feature:repo-list").contains(uri));
    }

    @Test(timeout = 120_000)
    public void c_uninstallAndRepositoryRemovalReachTheOtherBackend() throws Exception {
        run("karaf1", "feature:uninstall ha-cxf-demo");
        long gone = await("karaf2 no longer lists ha-cxf-demo", () -> !installed("karaf2", "ha-cxf-demo"));
        long unserved = await("karaf2 no longer serves /cxf/Foo?wsdl", () -> !cluster.get("karaf2", "/cxf/Foo?wsdl").startsWith("200\n"));
        assertFalse("karaf1 keeps the uninstall", installed("karaf1", "ha-cxf-demo"));

        String uri = probeRepo.toUri().toString();
        run("karaf1", "feature:uninstall sync-probe/1.1.0");
        long probe = await("karaf2 no longer has sync-probe", () -> installedVersions("karaf2", "sync-probe").isEmpty());
        run("karaf1", "feature:repo-remove " + uri);
        long repo = await("karaf2 no longer lists the repository", () -> !run("karaf2", "feature:repo-list").contains(uri));
        figures.add("on karaf1 -> karaf2: uninstall ha-cxf-demo " + gone + " ms (not served " + unserved + " ms), uninstall sync-probe "
                + probe + " ms, repo-remove " + repo + " ms");
        Thread.sleep(3000);
        assertFalse("karaf1 keeps the uninstall", installed("karaf1", "ha-cxf-demo"));
        assertFalse("karaf2 keeps the uninstall", installed("karaf2", "ha-cxf-demo"));
    }

    /**
     * Cellar 4.2.1's own bundle sync (loose bundles, not features): measured unreliable, so not part of the
     * suite yet. bundle:install -s on karaf2 reached karaf1 active in 1 of 2 runs (0.36 s when it did);
     * cluster:bundle-install -s web on karaf1 reached karaf2 in 2 of 2 (0.5 s), a first run that also
     * expected it on karaf1, where the command ran, failed.
     */
    @Ignore("Cellar 4.2.1's bundle sync: bundle:install -s on a backend reached the other in 1 of 2 runs (issue 16 item 0, bundles: open)")
    @Test(timeout = 120_000)
    public void d_aBundleInstalledAsCellarDocumentsReachesBothBackends() throws Exception {
        // Cellar's way for the group: cluster:bundle-install -s <group> <url> on any member
        String out = run("karaf1", "cluster:bundle-install -s web mvn:com.google.code.gson/gson/2.10.1");
        long cluster = await("karaf2 has com.google.gson active after cluster:bundle-install on karaf1 (output: " + out.trim() + ")",
                () -> active("karaf2", "com.google.gson"));
        // Cellar's other way: a plain bundle:install on a backend, its bundle listener on
        out = run("karaf2", "bundle:install -s mvn:commons-io/commons-io/2.11.0");
        long local = await("karaf1 has commons-io active", () -> active("karaf1", "org.apache.commons.commons-io"));
        figures.add("cluster:bundle-install -s web on karaf1: active on karaf2 " + cluster + " ms; bundle:install -s on karaf2: active on karaf1 " + local + " ms");
        assertTrue("karaf2 keeps its bundle", active("karaf2", "org.apache.commons.commons-io"));
        assertFalse("the balancer gets no bundle", active("balancer", "com.google.gson"));
    }

    @Test(timeout = 60_000)
    public void e_noBackendRefreshedCellarOrTheKitsOwnBundles() throws Exception {
        for (String node : List.of("karaf1", "karaf2")) {
            assertEquals(node + ": Cellar's, Hazelcast's and the kit's bundles (id, state) and the ClusterManager service id",
                    infraBefore.get(node), infrastructure(node));
            Path log = cluster.home().resolve(node).resolve("data/log/karaf.log");
            List<String> refreshes = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains("efreshing bundles") && (line.contains("cellar") || line.contains("hazelcast") || line.contains("io.karafha."))) {
                    refreshes.add(line);
                }
            }
            assertEquals(node + " refreshed no Cellar, Hazelcast or kit bundle: " + refreshes, 0, refreshes.size());
        }
    }

    @Test(timeout = 300_000)
    public void f_aFeatureInstalledWhileTheOtherBackendWasDownIsThereWhenItComesBack() throws Exception {
        cluster.karafHa(120, "stop", "karaf2");
        run("karaf1", "feature:install ha-cxf-demo");
        long start = System.currentTimeMillis();
        cluster.karafHa(300, "start", "karaf2");
        long started = System.currentTimeMillis() - start;
        long listed = await("karaf2 lists ha-cxf-demo after its restart", () -> installed("karaf2", "ha-cxf-demo"));
        long serving = await("karaf2 serves /cxf/Foo?wsdl after its restart", () -> cluster.get("karaf2", "/cxf/Foo?wsdl").startsWith("200\n"));
        figures.add("ha-cxf-demo installed on karaf1 while karaf2 was down: karaf2 started in " + started + " ms, lists it "
                + listed + " ms and serves it " + serving + " ms later");
        assertTrue("karaf1 keeps ha-cxf-demo", installed("karaf1", "ha-cxf-demo"));
    }

    /** Bundle id, state and name of Cellar's, Hazelcast's and the kit's bundles, and the ClusterManager's service id. */
    private static String infrastructure(String node) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : run(node, "bundle:list -s -t 0").split("\n")) {
            Matcher m = BUNDLE.matcher(line);
            if (m.matches() && (m.group(3).contains("cellar") || m.group(3).contains("hazelcast")
                    || (m.group(3).startsWith("io.karafha.") && !m.group(3).contains("demo") && !m.group(3).equals("io.karafha.cxf")))) {
                out.append(m.group(1)).append(' ').append(m.group(2)).append(' ').append(m.group(3)).append('\n');
            }
        }
        Matcher id = SERVICE_ID.matcher(run(node, "service:list org.apache.karaf.cellar.core.ClusterManager"));
        out.append("ClusterManager service.id ").append(id.find() ? id.group(1) : "none").append('\n');
        assertTrue(node + " lists Cellar's bundles: " + out, out.toString().contains("org.apache.karaf.cellar.core"));
        return out.toString();
    }

    private static String run(String node, String command) throws Exception {
        String[] result = cluster.shellResult(node, command);
        assertEquals(node + "> " + command + ":\n" + result[1] + cluster.logTails(), "0", result[0]);
        assertFalse(node + "> " + command + ":\n" + result[1], result[1].contains("Error executing command"));
        return result[1];
    }

    /** bundle:list -s shows the symbolic name Active. */
    private static boolean active(String node, String symbolicName) throws Exception {
        for (String line : run(node, "bundle:list -s").split("\n")) {
            Matcher m = BUNDLE.matcher(line);
            if (m.matches() && m.group(3).equals(symbolicName)) {
                return m.group(2).equals("Active");
            }
        }
        return false;
    }

    private static boolean installed(String node, String feature) throws Exception {
        return !installedVersions(node, feature).isEmpty();
    }

    /** Versions of the feature feature:list -i shows on the node. */
    private static List<String> installedVersions(String node, String feature) throws Exception {
        List<String> versions = new ArrayList<>();
        for (String line : run(node, "feature:list -i").split("\n")) {
            String[] cells = line.split("[|│]");
            if (cells.length > 2 && cells[0].trim().equals(feature)) {
                versions.add(cells[1].trim());
            }
        }
        return versions;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls until the check holds; returns the milliseconds it took; fails after BOUND_MS naming what was awaited. */
    private static long await(String what, Check check) throws Exception {
        long start = System.currentTimeMillis();
        while (!check.ok()) {
            if (System.currentTimeMillis() - start > BOUND_MS) {
                throw new AssertionError(what + ": not within " + BOUND_MS + " ms" + cluster.logTails());
            }
            Thread.sleep(200);
        }
        return System.currentTimeMillis() - start;
    }
}
