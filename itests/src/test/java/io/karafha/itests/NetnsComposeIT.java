package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.junit.runners.MethodSorters;

/**
 * docker-compose.yml without a Docker engine: each service is a real host, a network namespace
 * with its own address on one bridge and the same ports (8181, 5701, ...) as every other, like a
 * Compose network. Each runs the container entrypoint (docker/entrypoint.sh, unchanged, placed
 * in an unpacked distribution where the Dockerfile puts it) with the environment that
 * {@code docker-compose config} resolves, started in the order the compose file's health
 * conditions give, each waited for with the compose health check command. Service names resolve
 * through each namespace's own /etc/hosts, as Compose's DNS would.
 *
 * Needs root (ip netns); without it every test is skipped, with the reason.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class NetnsComposeIT {

    static final String SUBNET = "10.213.0.";
    static final String BRIDGE = "kha-br0";
    static final Map<String, String> ADDRESS = new LinkedHashMap<>();
    static {
        ADDRESS.put("karaf1", SUBNET + "11");
        ADDRESS.put("karaf2", SUBNET + "12");
        ADDRESS.put("balancer", SUBNET + "10");
    }
    static final String PASSWORD = "netns-it-Secret1";

    private static final Path REPO = ComposeFile.repo().toPath();
    private static final Path HOME = Path.of(System.getProperty("build.dir", "target"), "netns").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final Map<String, Process> NODES = new TreeMap<>();
    private static ComposeFile compose;
    private static boolean failed;

    @Rule
    public final TestWatcher dumpOnFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description d) {
            failed = true;
        }
    };

    static String ns(String service) {
        return "kha-" + service;
    }

    static String url(String service, String path) {
        return "http://" + ADDRESS.get(service) + ":8181" + path;
    }

    @BeforeClass
    public static void startServices() throws Exception {
        String why = cannotMakeNamespaces();
        if (why != null) {
            System.err.println("NetnsComposeIT SKIPPED: " + why);
            Assume.assumeTrue("network namespaces cannot be made here: " + why, false);
        }
        compose = ComposeFile.resolve(Map.of("KARAF_HA_ADMIN_PASSWORD", PASSWORD));
        cleanUp();
        // a test JVM stopped by a signal still takes its nodes and namespaces down
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cleanUp();
            } catch (Exception e) {
                System.err.println("NetnsComposeIT clean-up: " + e);
            }
        }));
        makeNetwork();
        Path tarball = distribution();
        // compose order: karaf1 -> (healthy) karaf2 -> (both healthy) balancer
        long t0 = System.nanoTime();
        for (String service : List.of("karaf1", "karaf2", "balancer")) {
            install(service, tarball);
            start(service);
            waitHealthy(service, 240);
            System.out.printf("%s healthy after %.1f s%n", service, (System.nanoTime() - t0) / 1e9);
        }
    }

    @AfterClass
    public static void stopServices() throws Exception {
        if (failed) {
            for (String s : ADDRESS.keySet()) {
                dump(s);
            }
        }
        if (compose != null) {
            cleanUp();
        }
    }

    // ---- the tests ----

    @Test(timeout = 120_000)
    public void a_clusterFormedWithTheRoleTable() throws Exception {
        for (String s : ADDRESS.keySet()) {
            String health = get(url(s, "/karaf-ha/health")).body();
            assertTrue(s + " sees all three members: " + health, health.contains("\"members\":3"));
            for (String other : ADDRESS.values()) {
                assertTrue(s + " sees " + other + ": " + health, health.contains(other + ":5701"));
            }
            String groups = s.equals("balancer") ? "[\"load-balancer\"]" : "[\"load-balancer\",\"web\"]";
            assertTrue(s + " is in the groups of its role: " + health, health.contains("\"groups\":" + groups));
            String role = s.equals("balancer") ? "balancer" : "backend";
            assertEquals(s + " runs the role's Cellar node table",
                    Files.readString(REPO.resolve("etc-" + role + "/org.apache.karaf.cellar.node.cfg")),
                    Files.readString(HOME.resolve(s + "/etc/org.apache.karaf.cellar.node.cfg")));
        }
    }

    @Test(timeout = 120_000)
    public void b_balancerProxiesHelloToTheMaster() throws Exception {
        assertEquals("node: karaf1", firstLine(waitFor(url("balancer", "/hello"), "node: karaf1", 60)));
        assertEquals("node: karaf2", firstLine(get(url("karaf2", "/hello")).body()));
    }

    /** karaf1's link goes down: a partition, not a kill. Every request is answered, by karaf2. */
    @Test(timeout = 180_000)
    public void c_partitionOfKaraf1_everyRequestAnsweredByKaraf2() throws Exception {
        ip("link", "set", "kha-karaf1", "down");
        long start = System.nanoTime();
        int count = 0;
        long worst = 0;
        // 15 s of requests: across the failover and Hazelcast dropping karaf1 (10 s without heartbeat)
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15) && count < 300) {
            long t = System.nanoTime();
            HttpResponse<String> r = get(url("balancer", "/hello"));
            worst = Math.max(worst, System.nanoTime() - t);
            count++;
            assertEquals("request " + count + " during the partition: " + r.body(), 200, r.statusCode());
            assertEquals("request " + count + " during the partition", "node: karaf2", firstLine(r.body()));
            Thread.sleep(50);
        }
        System.out.printf("partition: %d requests, 0 failed, all from karaf2, slowest %d ms%n", count, worst / 1_000_000);
        waitFor(url("balancer", "/karaf-ha/health"), "\"members\":2", 30);
    }

    /** While karaf1 is cut off, its configuration changes on karaf2; after the link is back it catches up. */
    @Test(timeout = 240_000)
    public void d_healedKaraf1_rejoinsAtTheEndAndCatchesUp() throws Exception {
        String message = "changed during the partition " + System.currentTimeMillis();
        Path cfg = HOME.resolve("karaf2/etc/io.karafha.demo.cfg");
        String text = Files.readString(cfg).replaceAll("(?m)^message\\s*=.*$", "message = " + message);
        Files.writeString(cfg, text);
        waitFor(url("balancer", "/hello"), "message: " + message, 30);

        ip("link", "set", "kha-karaf1", "up");
        long healed = System.nanoTime();
        waitFor(url("balancer", "/karaf-ha/health"), "\"members\":3", 120);
        System.out.printf("partition healed: members=3 after %.1f s%n", (System.nanoTime() - healed) / 1e9);
        waitFor(url("karaf1", "/hello"), "message: " + message, 60);
        System.out.printf("karaf1 caught up with the configuration %.1f s after the link came back%n", (System.nanoTime() - healed) / 1e9);

        // karaf1 registers again, after karaf2: the balancer logs the new order
        Pattern order = Pattern.compile("Route /hello endpoints now \\[(.*)]");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = null;
        while (System.nanoTime() < deadline) {
            Matcher m = order.matcher(Files.readString(HOME.resolve("balancer/console.log")));
            while (m.find()) {
                last = m.group(1);
            }
            if (last != null && position(last, "karaf1") >= 0 && position(last, "karaf2") >= 0) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue("the balancer lists karaf1 again: " + last, last != null && position(last, "karaf1") >= 0);
        assertTrue("karaf1 is after karaf2: " + last, position(last, "karaf2") >= 0 && position(last, "karaf2") < position(last, "karaf1"));
        System.out.printf("karaf1 back in the list, at the end, %.1f s after the link came back: [%s]%n", (System.nanoTime() - healed) / 1e9, last);
        for (int i = 0; i < 20; i++) {
            assertEquals("karaf2 stays the master", "node: karaf2", firstLine(get(url("balancer", "/hello")).body()));
        }

        // and it is a working follower: karaf2 crashes, karaf1 answers
        Process karaf2 = NODES.get("karaf2");
        new ProcessBuilder("kill", "-9", String.valueOf(karaf2.pid())).inheritIO().start().waitFor();
        karaf2.waitFor(10, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get(url("balancer", "/hello"));
            assertEquals("request " + i + " after karaf2 was killed: " + r.body(), 200, r.statusCode());
            assertEquals("node: karaf1", firstLine(r.body()));
            assertTrue(r.body().contains("message: " + message));
        }
    }

    // ---- hosts ----

    private static String cannotMakeNamespaces() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root to create network namespaces (running as " + System.getProperty("user.name") + ")";
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "add", "kha-probe").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                return "'ip netns add' failed: " + out.trim();
            }
            new ProcessBuilder("ip", "netns", "delete", "kha-probe").start().waitFor();
            return null;
        } catch (IOException e) {
            return "the 'ip' command (iproute2) is missing: " + e.getMessage();
        }
    }

    private static void makeNetwork() throws Exception {
        ip("link", "add", BRIDGE, "type", "bridge");
        ip("addr", "add", SUBNET + "1/24", "dev", BRIDGE);
        ip("link", "set", BRIDGE, "up");
        for (Map.Entry<String, String> e : ADDRESS.entrySet()) {
            String ns = ns(e.getKey());
            ip("netns", "add", ns);
            ip("link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns);
            ip("link", "set", ns, "master", BRIDGE, "up");
            ip("-n", ns, "addr", "add", e.getValue() + "/24", "dev", "eth0");
            ip("-n", ns, "link", "set", "eth0", "up");
            ip("-n", ns, "link", "set", "lo", "up");
            // Compose's DNS: the service names, in this host's own /etc/hosts (ip netns exec mounts it)
            Path etc = Path.of("/etc/netns", ns);
            Files.createDirectories(etc);
            StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
            ADDRESS.forEach((name, address) -> hosts.append(address).append(' ').append(name).append('\n'));
            Files.writeString(etc.resolve("hosts"), hosts.toString());
        }
    }

    /** Removes what an earlier run may have left: our processes (by PID file), namespaces, bridge. */
    private static void cleanUp() throws Exception {
        for (String s : ADDRESS.keySet()) {
            Process p = NODES.remove(s);
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            Path pidFile = HOME.resolve(s + ".pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").contains("java")
                        && h.info().arguments().map(a -> String.join(" ", a).contains(HOME.resolve(s).toString())).orElse(false))
                        .ifPresent(ProcessHandle::destroyForcibly);
                Files.delete(pidFile);
            }
            quietly("ip", "netns", "delete", ns(s));
            quietly("ip", "link", "delete", ns(s));
            Path etc = Path.of("/etc/netns", ns(s));
            Files.deleteIfExists(etc.resolve("hosts"));
            Files.deleteIfExists(etc);
        }
        quietly("ip", "link", "delete", BRIDGE);
    }

    private static Path distribution() throws IOException {
        try (var files = Files.list(REPO.resolve("distribution/target"))) {
            return files.filter(f -> f.getFileName().toString().matches("karaf-ha-distribution-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no distribution tarball in distribution/target: run mvn install"));
        }
    }

    /** What the Dockerfile does: unpack the distribution, put docker/entrypoint.sh at bin/karaf-ha-entrypoint. */
    private static void install(String service, Path tarball) throws Exception {
        Path home = HOME.resolve(service);
        run(List.of("rm", "-rf", home.toString()));
        Files.createDirectories(home);
        run(List.of("tar", "-xzf", tarball.toString(), "-C", home.toString(), "--strip-components=1"));
        run(List.of("install", "-m", "0755", REPO.resolve("docker/entrypoint.sh").toString(), home.resolve("bin/karaf-ha-entrypoint").toString()));
    }

    private static void start(String service) throws IOException {
        Path home = HOME.resolve(service);
        ProcessBuilder pb = new ProcessBuilder("setsid", "ip", "netns", "exec", ns(service), home.resolve("bin/karaf-ha-entrypoint").toString())
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("console.log").toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOME", home.toString());
        env.putAll(compose.environment(service)); // exactly what Compose gives the container
        Process p = pb.start();
        NODES.put(service, p);
        Files.writeString(HOME.resolve(service + ".pid"), String.valueOf(p.pid()));
    }

    /** The compose health check, run inside the service's host. */
    private static void waitHealthy(String service, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!NODES.get(service).isAlive()) {
                dump(service);
                fail(service + " exited with " + NODES.get(service).exitValue());
            }
            Process p = new ProcessBuilder("ip", "netns", "exec", ns(service), HOME.resolve(service + "/bin/karaf-ha-node").toString(), "health")
                    .redirectErrorStream(true).start();
            last = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0) {
                return;
            }
            Thread.sleep(2000);
        }
        dump(service);
        fail(service + " not healthy after " + seconds + " s: " + last);
    }

    // ---- helpers ----

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String waitFor(String url, String expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = get(url).body();
                if (last.contains(expected)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(url + " did not answer '" + expected + "' within " + seconds + " s; last: " + last);
    }

    /** Where the service's endpoint is in a logged URL list: by address, or by service name (Compose's DNS). */
    private static int position(String urls, String service) {
        return Math.max(urls.indexOf("//" + ADDRESS.get(service) + ":8181"), urls.indexOf("//" + service + ":8181"));
    }

    private static String firstLine(String body) {
        return body.lines().findFirst().orElse("");
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }

    private static void quietly(String... command) throws Exception {
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    private static void dump(String service) {
        try {
            List<String> lines = Files.readAllLines(HOME.resolve(service + "/console.log"));
            System.out.println("==== " + service + " console (last 150 lines) ====");
            lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.out::println);
        } catch (IOException e) {
            System.out.println("==== " + service + ": no console log (" + e + ")");
        }
    }

    static File home(String service) {
        return HOME.resolve(service).toFile();
    }
}
