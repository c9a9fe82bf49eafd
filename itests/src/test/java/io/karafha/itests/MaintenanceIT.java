package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * Planned operations under a stream of GETs and POSTs through the balancer, on the three real nodes
 * of ./karaf-ha: each test does one operation and asserts that no client got anything but a 2xx,
 * and prints requests, answers by node, worst latency (and the drain time where there is one).
 * Every request loop is bounded in count and time.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class MaintenanceIT {

    private static final LocalCluster cluster = new LocalCluster();

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
        cluster.awaitHelloServedBy("karaf1", 60_000);
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }

    /** Two client threads, one GETting and one POSTing /hello through the balancer, until stopped. */
    static final class Stream implements AutoCloseable {
        private static final int MAX_REQUESTS = 40_000;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicLong worstMillis = new AtomicLong();
        private final ConcurrentMap<String, AtomicInteger> byAnswer = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, String> firstBad = new ConcurrentHashMap<>();
        private final Thread[] threads;
        private final long deadline;

        Stream(long maxSeconds) {
            deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(maxSeconds);
            threads = new Thread[] {new Thread(() -> loop(false), "stream-get"), new Thread(() -> loop(true), "stream-post")};
            for (Thread t : threads) {
                t.start();
            }
        }

        private void loop(boolean post) {
            byte[] body = "x".repeat(2048).getBytes(StandardCharsets.UTF_8);
            while (running.get() && requests.get() < MAX_REQUESTS && System.currentTimeMillis() < deadline) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + LocalCluster.httpPort("balancer") + "/hello"))
                        .timeout(Duration.ofSeconds(20));
                HttpRequest request = post ? b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build() : b.GET().build();
                long t0 = System.nanoTime();
                String key;
                try {
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    String node = r.headers().firstValue("X-Karaf-HA-Node").orElse("?");
                    key = r.statusCode() + " " + node;
                    if (r.statusCode() / 100 != 2) {
                        firstBad.putIfAbsent(key, (post ? "POST" : "GET") + " -> " + r.statusCode() + " " + r.body().strip());
                    } else if (post && !r.body().contains("received: 2048 bytes")) {
                        key = "200 short body";
                        firstBad.putIfAbsent(key, r.body());
                    }
                } catch (IOException e) {
                    key = "000 " + e.getClass().getSimpleName();
                    firstBad.putIfAbsent(key, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                worstMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                requests.incrementAndGet();
                byAnswer.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Stops the stream; returns a one-line tally, after asserting that every answer was a 2xx. */
        String assertAllOk(String what) throws InterruptedException {
            close();
            Map<String, Integer> tally = new TreeMap<>();
            byAnswer.forEach((k, v) -> tally.put(k, v.get()));
            String line = String.format("%s: %d requests (GET and POST /hello), answers %s, worst latency %d ms",
                    what, requests.get(), tally, worstMillis.get());
            System.out.println("[maintenance] " + line);
            long bad = tally.entrySet().stream().filter(e -> !e.getKey().startsWith("2") || e.getKey().contains("short"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(line + "; first bad answers: " + firstBad, 0, bad);
            assertTrue(line, requests.get() > 50);
            assertTrue("every answer names the backend that served it (X-Karaf-HA-Node reaches the client): " + line,
                    tally.keySet().stream().noneMatch(k -> k.endsWith(" ?")));
            return line;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    private static void runsOnBothBackends() throws InterruptedException {
        for (String node : new String[] {"karaf1", "karaf2"}) {
            long deadline = System.currentTimeMillis() + 60_000;
            String answer = cluster.get(node, "/hello");
            while (!LocalCluster.servedBy(answer).equals(node) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                answer = cluster.get(node, "/hello");
            }
            assertEquals("the demo runs on " + node + " again", node, LocalCluster.servedBy(answer));
        }
    }

    /** The last "Drained in N ms" of the node's log, or -1. */
    private static long drainMillis(String node) throws IOException {
        Matcher m = Pattern.compile("Drained in (\\d+) ms").matcher(Files.readString(cluster.home().resolve(node + "/data/log/karaf.log")));
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    @Test(timeout = 180_000)
    public void a_anApplications404UnderAServedRouteReachesTheClient() throws Exception {
        String answer = cluster.get("balancer", "/hello/no-such-thing");
        assertTrue(answer, answer.startsWith("404\n"));
        assertTrue("still served by karaf1", cluster.helloServedBy().equals("karaf1"));
    }

    @Test(timeout = 180_000)
    public void b_bundleRestartOfTheDemoOnTheMaster() throws Exception {
        Stream stream = new Stream(90);
        Thread.sleep(2000);
        cluster.shell("karaf1", "bundle:restart io.karafha.demo");
        Thread.sleep(8000);
        stream.assertAllOk("bundle:restart io.karafha.demo on karaf1");
        // Seen once: Cellar's bundle sync left the demo stopped on karaf1 after the restart (clients saw
        // nothing: karaf2 served). That is bundle sync's to fix (issue 16); here it is reported and the
        // demo started again, so the next scenarios start from two running backends.
        if (!LocalCluster.servedBy(cluster.get("karaf1", "/hello")).equals("karaf1")) {
            Thread.sleep(10_000);
            if (!LocalCluster.servedBy(cluster.get("karaf1", "/hello")).equals("karaf1")) {
                System.out.println("[maintenance] KNOWN: after bundle:restart the demo is not running on karaf1: "
                        + cluster.shell("karaf1", "bundle:list -s io.karafha.demo").strip().replace('\n', ' '));
                cluster.shell("karaf1", "bundle:start io.karafha.demo");
            }
        }
        runsOnBothBackends();
    }

    @Test(timeout = 180_000)
    public void c_theServletComponentReRegisteredOnTheMaster() throws Exception {
        // what a configuration change that re-activates a servlet component does: unregister, register again
        Stream stream = new Stream(90);
        Thread.sleep(2000);
        cluster.shell("karaf1", "scr:disable io.karafha.demo.hello");
        Thread.sleep(1000);
        cluster.shell("karaf1", "scr:enable io.karafha.demo.hello");
        Thread.sleep(6000);
        stream.assertAllOk("servlet component of /hello disabled 1 s and enabled again on karaf1");
        runsOnBothBackends();
    }

    @Test(timeout = 240_000)
    public void d_bundleUpdateOfTheDemoOnTheMaster() throws Exception {
        Stream stream = new Stream(120);
        Thread.sleep(2000);
        String out;
        try {
            out = cluster.shell("karaf1", "bundle:update io.karafha.demo");
        } catch (AssertionError exitedNonZero) {
            // Karaf's own command sometimes says "Unable to acquire global lock for resolve" while the
            // refresh that follows the update runs; the update happened: what counts is what clients saw
            out = exitedNonZero.getMessage();
        }
        System.out.println("[maintenance] bundle:update printed: " + out.strip().replace('\n', ' '));
        Thread.sleep(10_000);
        stream.assertAllOk("bundle:update io.karafha.demo on karaf1");
        runsOnBothBackends();
    }

    @Test(timeout = 300_000)
    public void e_gracefulStopAndStartOfTheMaster() throws Exception {
        String master = cluster.helloServedBy();
        String other = master.equals("karaf1") ? "karaf2" : "karaf1";
        Stream stream = new Stream(120);
        Thread.sleep(2000);
        long t0 = System.nanoTime();
        cluster.karafHa(120, "stop", master);
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(2000);
        stream.assertAllOk("./karaf-ha stop " + master + " (SIGTERM, took " + stopMillis + " ms; drained in " + drainMillis(master) + " ms)");
        assertTrue("the stopping node drained before it stopped", drainMillis(master) >= 0);
        assertEquals(other, cluster.helloServedBy());

        Stream again = new Stream(300);
        cluster.karafHa(300, "start", master);
        Thread.sleep(5000);
        again.assertAllOk("./karaf-ha start " + master);
        assertEquals("the restarted node comes back as a follower", other, cluster.helloServedBy());
        runsOnBothBackends();
    }

    @Test(timeout = 600_000)
    public void f_rollingRestartOfTheBackends() throws Exception {
        Stream stream = new Stream(500);
        Thread.sleep(2000);
        long t0 = System.nanoTime();
        String out = cluster.karafHa(540, "restart");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[maintenance] " + out.strip().replace('\n', ' '));
        Thread.sleep(2000);
        stream.assertAllOk("./karaf-ha restart (rolling, both backends, " + millis + " ms; drains " + drainMillis("karaf1") + " and "
                + drainMillis("karaf2") + " ms)");
        runsOnBothBackends();
    }

    @Test(timeout = 420_000)
    public void g_featureInstallOfANewApplicationOnOneBackend() throws Exception {
        // a new application (Apache CXF and the Foo web service) installed on karaf1 while /hello is in use;
        // the web group's feature sync carries it to karaf2; the install's bundle refreshes must not reach clients
        Stream stream = new Stream(360);
        Thread.sleep(2000);
        long t0 = System.nanoTime();
        cluster.installOnBackends("ha-cxf-demo", "/cxf/Foo?wsdl");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(3000);
        stream.assertAllOk("feature:install ha-cxf-demo on karaf1 (both backends serve /cxf/Foo?wsdl " + millis + " ms later)");
        runsOnBothBackends();
    }
}
