package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * CXF client failover on the three real nodes of ./karaf-ha: Foo (feature ha-cxf-demo) on both
 * backends under registry path demo/fo, the failover client (karaf-ha:foo-call, feature
 * ha-cxf-demo-client) on the balancer. Real processes, real signals, real SOAP over loopback.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class CxfFailoverIT {

    private static final LocalCluster cluster = new LocalCluster();
    private static final Pattern CALL = Pattern.compile("call (\\d+): (.*) in (\\d+) ms \\(t=(\\d+)\\)");

    /** The backend whose Foo registered first (the master) and the other one. */
    private static String master;
    private static String follower;

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
        // the backends publish Foo: installed on karaf1 only, carried to karaf2 by the web group's feature sync
        cluster.installOnBackends("ha-cxf-demo", "/cxf/Foo?wsdl");
        install("balancer", "ha-cxf-demo-client");
        List<String> endpoints = awaitEndpoints(2, 120_000);
        master = endpoints.get(0).contains(":" + LocalCluster.httpPort("karaf1") + "/") ? "karaf1" : "karaf2";
        follower = master.equals("karaf1") ? "karaf2" : "karaf1";
        System.out.println("demo/fo endpoints " + endpoints + ": master " + master + ", follower " + follower);
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }

    /** feature:install on a node; it must exit 0 and list the feature installed. */
    private static void install(String node, String feature) throws Exception {
        shell(node, "feature:install " + feature, 300);
        String installed = shell(node, "feature:list -i", 60);
        assertTrue(node + " has " + feature + ":\n" + installed, installed.matches("(?s).*\\b" + feature + "\\s.*"));
    }

    private static String shell(String node, String command, long timeoutSeconds) throws Exception {
        return cluster.karafHa(timeoutSeconds, "shell", node, command).replaceAll("\u001B\\[[;\\d]*m", "");
    }

    private static String fooCall(String options) throws Exception {
        return shell("balancer", "karaf-ha:foo-call " + options, 120);
    }

    /** The endpoints line of a foo-call output. */
    private static List<String> endpoints(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("endpoints under demo/fo: [")) {
                String inner = line.substring(line.indexOf('[') + 1, line.lastIndexOf(']')).trim();
                return inner.isEmpty() ? List.of() : List.of(inner.split(",\\s*"));
            }
        }
        return List.of();
    }

    private static List<String> awaitEndpoints(int count, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String out = "";
        while (System.currentTimeMillis() < deadline) {
            out = fooCall("-n 0");
            if (endpoints(out).size() == count) {
                return endpoints(out);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the balancer does not see " + count + " Foo endpoints under demo/fo: " + out);
    }

    /** {call number -> answer} of a foo-call output, answers in call order. */
    private static List<String[]> calls(String output) {
        List<String[]> calls = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = CALL.matcher(line.trim());
            if (m.matches()) {
                calls.add(new String[] {m.group(2), m.group(3), m.group(4)});
            }
        }
        return calls;
    }

    private static long logLines(String node, String text) throws Exception {
        Path log = cluster.home().resolve(node).resolve("data/log/karaf.log");
        return Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
    }

    private static String url(String node) {
        return "http://127.0.0.1:" + LocalCluster.httpPort(node) + "/cxf/Foo";
    }

    @Test(timeout = 120_000)
    public void a_theClientIsServedByTheMaster() throws Exception {
        String out = fooCall("-n 20");
        System.out.println(out);
        assertEquals(List.of(url(master), url(follower)), endpoints(out));
        List<String[]> calls = calls(out);
        assertEquals(out, 20, calls.size());
        calls.forEach(c -> assertEquals(out, master, c[0]));
        assertTrue(out, out.contains("20 calls: {" + master + "=20}, failed 0"));
    }

    @Test(timeout = 300_000)
    public void b_killMinus9OfTheMasterTheNextCallAndEveryCallAfterSucceedOnTheFollower() throws Exception {
        CompletableFuture<String> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return fooCall("-n 300 --interval 20");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(4000); // the shell connects and the stream is well under way
        long killStart = System.currentTimeMillis();
        cluster.karafHa(60, "kill", master);
        long killed = System.currentTimeMillis();
        String out = stream.get(180, TimeUnit.SECONDS);
        List<String[]> calls = calls(out);
        assertEquals(out, 300, calls.size());
        int before = 0;
        int inFlight = 0;
        int after = 0;
        long firstSuccessAfterKill = -1;
        long worst = 0;
        for (String[] c : calls) {
            long end = Long.parseLong(c[2]);
            long start = end - Long.parseLong(c[1]);
            if (end < killStart) {
                assertEquals("before the kill: " + out, master, c[0]);
                before++;
            } else if (start > killed) {
                // the next call after the kill, and every call after it: the follower, no error
                assertEquals("after the kill every call is answered by the follower, none failed:\n" + out, follower, c[0]);
                worst = Math.max(worst, Long.parseLong(c[1]));
                after++;
            } else {
                // in flight while the master was killed: it may have reached the master, so it is not
                // replayed (replayAfterSend=false) and may fail
                inFlight++;
                assertTrue("a call in flight at the kill is answered or fails, nothing else:\n" + out,
                        c[0].equals(master) || c[0].equals(follower) || c[0].startsWith("FAILED"));
            }
            if (end > killStart && c[0].equals(follower) && firstSuccessAfterKill < 0) {
                firstSuccessAfterKill = end;
            }
        }
        long failed = calls.stream().filter(c -> c[0].startsWith("FAILED")).count();
        assertTrue("at most the one call in flight when the master died fails (not replayed: it may have reached it):\n" + out,
                failed <= 1);
        assertTrue("calls before the kill: " + before, before > 10);
        assertTrue("calls after the kill: " + after, after > 10);
        System.out.printf("CXF failover: kill -9 of %s issued at %d, returned at %d; first call answered by %s %d ms after the "
                + "kill was issued; %d calls before, %d in flight during the kill (%s), %d after (all by %s), slowest call after %d ms%n",
                master, killStart, killed, follower, firstSuccessAfterKill - killStart, before, inFlight,
                out.contains("FAILED") ? "one failed: " + out.lines().filter(l -> l.contains("FAILED")).findFirst().orElse("") : "none failed",
                after, follower, worst);
    }

    @Test(timeout = 400_000)
    public void c_theRestartedMasterComesBackAtTheEndAndTheClientKeepsTheCurrentMaster() throws Exception {
        cluster.karafHa(300, "start", master);
        List<String> endpoints = awaitEndpoints(2, 120_000);
        assertEquals("the restarted node is at the end", List.of(url(follower), url(master)), endpoints);
        String out = fooCall("-n 20");
        calls(out).forEach(c -> assertEquals(out, follower, c[0]));
        assertTrue(out, out.contains("20 calls: {" + follower + "=20}, failed 0"));
    }

    @Test(timeout = 120_000)
    public void d_aSoapFaultIsReturnedAndNotRetried() throws Exception {
        long faultsOnFollower = logLines(follower, "Foo.fault served on " + follower);
        long faultsOnOld = logLines(master, "Foo.fault served");
        String out = fooCall("-n 1 --op fault");
        assertTrue(out, out.contains("call 1: fault from " + follower + ": demo fault (from " + follower + ")"));
        assertTrue(out, !out.contains("FAILED"));
        Thread.sleep(500);
        assertEquals("the fault was served once", faultsOnFollower + 1, logLines(follower, "Foo.fault served on " + follower));
        assertEquals("and not retried on the other node", faultsOnOld, logLines(master, "Foo.fault served"));
    }

    @Test(timeout = 300_000)
    public void e_anExceptionNotInTheListIsNotRetriedAListedOneAfterSendingMovesTheNextCall() throws Exception {
        // every Foo.slow(3000) outlives the 1 s receive timeout: a failure after the request was sent
        String now = follower;    // the current master
        String other = master;    // restarted, at the end of the list
        String slowOn = "Foo.slow(3000) served on ";
        long onNow = logLines(now, slowOn + now);
        long onOther = logLines(other, slowOn + other);

        String notListed = fooCall("-n 2 --op slow --millis 3000 --receive-timeout 1000 --replay --exceptions java.net.ConnectException");
        System.out.println(notListed);
        Thread.sleep(1000);
        List<String[]> n = calls(notListed);
        assertTrue(notListed, n.get(0)[0].startsWith("FAILED") && n.get(0)[0].contains("TimeoutException"));
        assertTrue(notListed, n.get(1)[0].startsWith("FAILED"));
        assertEquals("a timeout not in 'exceptions' is not retried (even with --replay) and does not move the next call",
                onNow + 2, logLines(now, slowOn + now));
        assertEquals("the other server never saw those calls", onOther, logLines(other, slowOn + other));

        String listed = fooCall("-n 2 --op slow --millis 3000 --receive-timeout 1000");
        System.out.println(listed);
        Thread.sleep(1000);
        List<String[]> l = calls(listed);
        assertTrue(listed, l.get(0)[0].startsWith("FAILED") && l.get(1)[0].startsWith("FAILED"));
        assertEquals("a listed failure after sending: not replayed, one call on the master", onNow + 3, logLines(now, slowOn + now));
        assertEquals("but the next call went to the next server", onOther + 1, logLines(other, slowOn + other));
    }

    @Test(timeout = 300_000)
    public void f_anUnreachableRegistryAtClientStartIsAClearErrorAfterTheMaximumWait() throws Exception {
        shell("balancer", "scr:disable io.karafha.registry", 60);
        try {
            long t0 = System.nanoTime();
            String out = fooCall("-n 1 --max-wait 3000");
            long took = (System.nanoTime() - t0) / 1_000_000;
            System.out.println(out.trim() + " (" + took + " ms including ssh)");
            assertTrue(out, out.contains("ERROR: CXF failover client of demo/fo: no cluster registry (OSGi service io.karafha.registry.EndpointRegistry"));
            assertTrue(out, out.contains("within 3000 ms (maximumConnectionTimeout)"));
            assertTrue("waited the maximum, did not hang: " + took + " ms", took >= 3000 && took < 30_000);
        } finally {
            shell("balancer", "scr:enable io.karafha.registry", 60);
        }
        assertEquals(2, awaitEndpoints(2, 60_000).size());
    }
}
