package io.karafha.itests;

import static io.karafha.itests.DockerEngine.docker;
import static io.karafha.itests.DockerEngine.dockerOk;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
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
 * docker-compose.yml on a real Docker engine, as a user runs it: a fresh copy of the repository (what
 * git has, without build outputs or .env), then exactly the README's command, {@code docker-compose up},
 * which builds the image from the sources and starts the three nodes. On that one start, in order:
 * health in compose order, the generated admin passwords, the role table inside each container,
 * /hello through port 8181, a kill of karaf1 under a stream of requests, its restart (it rejoins at the
 * end), {@code docker-compose restart} of the master (drained first: no non-2xx), a pause of the master, a configuration change carried from karaf1 to karaf2, a partition with
 * {@code docker network disconnect}/{@code connect} (with a configuration change on karaf2 meanwhile,
 * which karaf1 catches up after), and {@code docker-compose down} leaving nothing.
 *
 * Starts dockerd when none runs (and stops only that one); builds stand-ins for missing base images
 * (docker/stand-in-base). Skipped, with the reason, only when no engine can run here. Takes 6-12 min
 * on 2 cores, most of it the image build on a machine that never built it.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DockerComposeEngineIT {

    static final List<String> COMPOSE_ORDER = List.of("karaf1", "karaf2", "balancer");
    static final String HELLO = "http://127.0.0.1:8181/hello";

    private static final Path REPO = ComposeFile.repo().toPath();
    private static final Path WORK = Path.of(System.getProperty("build.dir", "target"), "compose-engine").toAbsolutePath();
    /** The copy's directory name is the Compose project name (karafhacompose). */
    private static final Path COPY = WORK.resolve("karafhacompose");
    private static final String PROJECT = "karafhacompose";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static DockerEngine engine;
    private static Process up;
    private static long upStarted;
    private static final Map<String, String> CONTAINER = new LinkedHashMap<>();
    /** When each container's first health check passed, read from Docker's health log while waiting. */
    private static final Map<String, Instant> FIRST_HEALTHY = new TreeMap<>();
    private static boolean failed;
    private static boolean downDone;

    @Rule
    public final TestWatcher dumpOnFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description d) {
            failed = true;
        }
    };

    @BeforeClass
    public static void composeUp() throws Exception {
        String[] why = new String[1];
        engine = DockerEngine.startOrFind(WORK, why);
        if (engine == null) {
            System.err.println("DockerComposeEngineIT SKIPPED: " + why[0]);
            Assume.assumeTrue("no Docker engine can run here: " + why[0], false);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(DockerComposeEngineIT::cleanUpQuietly));
        Map<String, String> bases = DockerEngine.baseImageArgs(REPO.resolve("docker/Dockerfile"));
        assertEquals("the Dockerfile's base image arguments", List.of("BUILD_IMAGE", "BASE_IMAGE"), new ArrayList<>(bases.keySet()));
        DockerEngine.standInIfMissing(REPO, "build", bases.get("BUILD_IMAGE"));
        DockerEngine.standInIfMissing(REPO, "runtime", bases.get("BASE_IMAGE"));

        composeDown(); // what an earlier, interrupted run may have left
        freshCopy();

        // exactly the README's command, in the foreground as a user runs it; its screen goes to up.log
        upStarted = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("docker-compose", "up").directory(COPY.toFile())
                .redirectErrorStream(true).redirectOutput(WORK.resolve("up.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_HA_") || k.startsWith("COMPOSE_"));
        up = pb.start();

        // the first proxied 200, measured from `up` while the rest waits for health
        Thread first = new Thread(() -> {
            long deadline = upStarted + TimeUnit.MINUTES.toNanos(20);
            while (System.nanoTime() < deadline && up.isAlive()) {
                if (get(HELLO, 2).startsWith("200\n")) {
                    System.out.printf("[measure] docker-compose up -> first proxied 200 on :8181/hello: %.1f s%n", secondsSince(upStarted));
                    return;
                }
                sleep(500);
            }
        }, "first-200");
        first.setDaemon(true);
        first.start();

        waitHealthy(20);
        first.join(TimeUnit.SECONDS.toMillis(90));
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (engine == null) {
            return;
        }
        if (failed) {
            for (String s : COMPOSE_ORDER) {
                dumpLogs(s);
            }
        }
        cleanUpQuietly();
    }

    // ---- the tests, on one start ----

    @Test(timeout = 120_000)
    public void a_threeNodesHealthyInComposeOrder() throws Exception {
        Instant karaf1Healthy = FIRST_HEALTHY.get("karaf1");
        Instant karaf2Started = Instant.parse(inspect("karaf2", "{{.State.StartedAt}}"));
        Instant karaf2Healthy = FIRST_HEALTHY.get("karaf2");
        Instant balancerStarted = Instant.parse(inspect("balancer", "{{.State.StartedAt}}"));
        assertTrue("first passing health checks seen while waiting: " + FIRST_HEALTHY, karaf1Healthy != null && karaf2Healthy != null);
        assertFalse("karaf2 starts after karaf1 is healthy: " + karaf1Healthy + " / " + karaf2Started, karaf2Started.isBefore(karaf1Healthy));
        assertFalse("the balancer starts after karaf2 is healthy: " + karaf2Healthy + " / " + balancerStarted, balancerStarted.isBefore(karaf2Healthy));
        for (String s : COMPOSE_ORDER) {
            assertEquals(s + " runs as the image's user, not root", "10001", dockerOk(30, "exec", CONTAINER.get(s), "id", "-u"));
        }
        String image = dockerOk(30, "image", "inspect", "--format", "{{.Size}}", "karaf-ha:1.0.0-SNAPSHOT");
        System.out.printf("[measure] image karaf-ha:1.0.0-SNAPSHOT: %.0f MB%n", Long.parseLong(image) / 1e6);
    }

    /** No .env: each node printed a generated password; with it, an admin reads the health detail through :8181. */
    @Test(timeout = 120_000)
    public void b_generatedPasswordsInTheLogsAndHealthDetailOnlyForTheAdmin() throws Exception {
        String screen = Files.readString(WORK.resolve("up.log"), StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", "");
        // "karaf1_1  | #    node:     karaf1" ... "karaf1_1  | #    password: ..."; other containers' lines may come between
        Map<String, String> nodeOf = new TreeMap<>();
        Map<String, String> passwordOf = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+\\|\\s+#\\s+(node|password):\\s+(\\S+)\\s*$").matcher(screen);
        while (m.find()) {
            (m.group(2).equals("node") ? nodeOf : passwordOf).put(m.group(1), m.group(3));
        }
        Map<String, String> passwords = new TreeMap<>();
        nodeOf.forEach((prefix, node) -> passwords.put(node, passwordOf.get(prefix)));
        assertEquals("a generated password on the screen of docker-compose up for each node: " + passwords,
                new java.util.TreeSet<>(COMPOSE_ORDER), passwords.keySet());
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            assertTrue(e.getKey() + "'s password is 24 letters and digits: " + e.getValue(), e.getValue().matches("[A-Za-z0-9]{24}"));
            String logs = DockerEngine.run(COPY.toFile(), Map.of(), 60, "docker-compose", "logs", "--no-color", e.getKey()).output;
            assertTrue("docker-compose logs " + e.getKey() + " shows the password", logs.contains("password: " + e.getValue()));
        }
        assertEquals("three different passwords", 3, new java.util.HashSet<>(passwords.values()).size());

        String anonymous = get("http://127.0.0.1:8181/karaf-ha/health", 5);
        assertEquals("anonymous callers on the published port learn only readiness", "200\n{\"ready\":true}", anonymous.trim());
        String wrong = get("http://127.0.0.1:8181/karaf-ha/health", 5, "admin", "not-the-password");
        assertEquals("wrong password: only readiness", "200\n{\"ready\":true}", wrong.trim());
        String admin = get("http://127.0.0.1:8181/karaf-ha/health", 10, "admin", passwords.get("balancer"));
        assertTrue("the balancer's admin reads the detail through :8181: " + admin, admin.contains("\"members\":3") && admin.contains("\"memberAddresses\""));
    }

    /** Inside each container: the role's Cellar node table, and the health detail for local callers. */
    @Test(timeout = 120_000)
    public void c_roleTableInsideEachContainer() throws Exception {
        for (String s : COMPOSE_ORDER) {
            String role = s.equals("balancer") ? "balancer" : "backend";
            assertEquals(s + " runs the " + role + " Cellar node table",
                    Files.readString(REPO.resolve("etc-" + role + "/org.apache.karaf.cellar.node.cfg")).trim(),
                    dockerOk(30, "exec", CONTAINER.get(s), "cat", "/opt/karaf/etc/org.apache.karaf.cellar.node.cfg"));
            String health = dockerOk(30, "exec", CONTAINER.get(s), "/opt/karaf/bin/karaf-ha-node", "health");
            assertTrue(s + " sees three members: " + health, health.contains("\"members\":3"));
            String groups = role.equals("balancer") ? "[\"load-balancer\"]" : "[\"load-balancer\",\"web\"]";
            assertTrue(s + " is in its role's groups: " + health, health.contains("\"groups\":" + groups));
            assertTrue(s + " is named after its service: " + health, health.contains("\"node\":\"" + s + "\""));
        }
    }

    @Test(timeout = 120_000)
    public void d_helloThroughPort8181FromTheMaster() throws Exception {
        assertEquals("200\nnode: karaf1", firstLines(waitFor(HELLO, "node: karaf1", 60)));
        assertEquals("karaf2 serves /hello itself", "node: karaf2", firstLine(execGet("karaf2", "/hello")));
    }

    /** docker-compose kill karaf1 (SIGKILL) while a client sends GETs: none fails, karaf2 answers. */
    @Test(timeout = 180_000)
    public void e_killKaraf1_noRequestFails() throws Exception {
        Stream stream = Stream.start(3000, 20);
        Thread.sleep(2000);
        compose(60, "kill", "karaf1");
        Thread.sleep(6000);
        Stream.Tally t = stream.stop();
        System.out.println("[kill karaf1] " + t);
        assertEquals("failed requests during the kill: " + t, 0, t.failed);
        assertTrue("karaf2 answered after the kill: " + t, t.byNode.getOrDefault("karaf2", 0) > 0);
        assertEquals("node: karaf2", firstLine(get(HELLO, 5).substring(4)));
    }

    /** docker-compose start karaf1: it rejoins at the end of the list; karaf2 stays the master. */
    @Test(timeout = 300_000)
    public void f_startKaraf1_rejoinsAtTheEnd() throws Exception {
        long t0 = System.nanoTime();
        compose(60, "start", "karaf1");
        waitHealthy("karaf1", 240);
        System.out.printf("[start karaf1] healthy after %.1f s%n", secondsSince(t0));
        String last = waitForEndpoints(Pattern.compile("Route /hello endpoints now \\[(.*)]"), 120);
        assertTrue("karaf1 is after karaf2 in the balancer's list: " + last, last.indexOf("karaf2") < last.indexOf("karaf1") && last.indexOf("karaf2") >= 0);
        for (int i = 0; i < 20; i++) {
            assertEquals("karaf2 stays the master", "node: karaf2", firstLine(get(HELLO, 5).substring(4)));
        }
    }

    /** docker-compose restart karaf2 (the master): a graceful stop drains it first; no request gets a non-2xx. */
    @Test(timeout = 300_000)
    public void g_restartTheMaster_noNon2xx() throws Exception {
        Stream stream = Stream.start(20_000, 150);
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        compose(120, "restart", "karaf2");
        waitHealthy("karaf2", 180);
        waitForMembers("balancer", 3, 60);
        System.out.printf("[restart karaf2] healthy again after %.1f s%n", secondsSince(t0));
        Thread.sleep(2000);
        Stream.Tally t = stream.stop();
        System.out.println("[restart karaf2] " + t);
        assertEquals("non-2xx answers during docker-compose restart of the master: " + t, 0, t.failed);
        assertTrue("karaf1 answered while karaf2 restarted: " + t, t.byNode.getOrDefault("karaf1", 0) > 0);
    }

    /** docker pause of the master: requests wait at most the response timeout, none fails. */
    @Test(timeout = 240_000)
    public void h_pauseTheMaster_noRequestFails_boundedLatency() throws Exception {
        String master = firstLine(waitFor(HELLO, "node: ", 30).substring(4)).replace("node: ", "");
        String follower = master.equals("karaf1") ? "karaf2" : "karaf1";
        Stream stream = Stream.start(2000, 30);
        Thread.sleep(2000);
        dockerOk(30, "pause", CONTAINER.get(master));
        Thread.sleep(7000);
        dockerOk(30, "unpause", CONTAINER.get(master));
        Thread.sleep(3000);
        Stream.Tally t = stream.stop();
        System.out.println("[pause " + master + "] " + t);
        assertEquals("failed requests during the pause: " + t, 0, t.failed);
        // response.timeout.ms = 5000 in the balancer's configuration, then the request moves to the follower
        assertTrue("slowest request under 7 s (5 s response timeout + failover): " + t, t.worstMillis < 7000);
        assertTrue(follower + " answered while " + master + " was paused: " + t, t.byNode.getOrDefault(follower, 0) > 0);
        waitHealthy(master, 120);
        waitForMembers("balancer", 3, 180);
    }

    /** A configuration change made on karaf1 reaches karaf2 through Cellar. */
    @Test(timeout = 180_000)
    public void i_configChangeOnKaraf1_visibleOnKaraf2() throws Exception {
        String message = "set on karaf1 " + System.currentTimeMillis();
        dockerOk(30, "exec", CONTAINER.get("karaf1"), "sed", "-i", "s/^message *=.*$/message = " + message + "/",
                "/opt/karaf/etc/io.karafha.demo.cfg");
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline && !last.contains("message: " + message)) {
            last = execGet("karaf2", "/hello");
            Thread.sleep(250);
        }
        assertTrue("karaf2's /hello shows the message set on karaf1: " + last, last.contains("message: " + message));
        System.out.printf("[config] karaf1's change on karaf2's /hello after %.1f s%n", secondsSince(t0));
    }

    /** karaf1 cut from the network: every request answered; after `connect` it is a member again. */
    @Test(timeout = 420_000)
    public void j_partitionOfKaraf1_withNetworkDisconnect() throws Exception {
        String network = PROJECT + "_karaf-ha";
        String master = firstLine(waitFor(HELLO, "node: ", 30).substring(4));
        Stream stream = Stream.start(3000, 25);
        Thread.sleep(1000);
        dockerOk(30, "network", "disconnect", network, CONTAINER.get("karaf1"));
        long cut = System.nanoTime();
        waitForMembers("balancer", 2, 60);
        System.out.printf("[partition] balancer sees 2 members %.1f s after the disconnect%n", secondsSince(cut));
        Stream.Tally t = stream.stop();
        System.out.println("[partition] " + t);
        assertEquals("failed requests during the partition: " + t, 0, t.failed);
        if (master.equals("node: karaf2")) {
            assertEquals("karaf2 is the master and karaf1 unreachable: every answer from karaf2: " + t, Map.of("karaf2", t.ok), t.byNode);
        } else {
            assertTrue("karaf1 (the master after the pause) is cut off: karaf2 answers: " + t, t.byNode.getOrDefault("karaf2", 0) > 0);
        }

        // meanwhile the configuration changes on karaf2; karaf1 must catch up after the partition
        String message = "changed during the partition " + System.currentTimeMillis();
        dockerOk(30, "exec", CONTAINER.get("karaf2"), "sed", "-i", "s/^message *=.*$/message = " + message + "/",
                "/opt/karaf/etc/io.karafha.demo.cfg");
        waitFor(HELLO, "message: " + message, 60);

        dockerOk(30, "network", "connect", "--alias", "karaf1", network, CONTAINER.get("karaf1"));
        long healed = System.nanoTime();
        waitForMembers("balancer", 3, 240);
        System.out.printf("[partition] healed: balancer sees 3 members %.1f s after the connect%n", secondsSince(healed));
        waitForMembers("karaf1", 3, 120);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String karaf1 = "";
        while (System.nanoTime() < deadline && !karaf1.contains("message: " + message)) {
            karaf1 = execGet("karaf1", "/hello");
            Thread.sleep(500);
        }
        assertTrue("karaf1 caught up with the change made during the partition: " + karaf1, karaf1.contains("message: " + message));
        System.out.printf("[partition] karaf1 caught up with the configuration %.1f s after the connect%n", secondsSince(healed));
        for (int i = 0; i < 20; i++) {
            assertTrue("requests answered after the partition healed", get(HELLO, 10).startsWith("200\n"));
        }
        measureRss();
    }

    /** docker-compose down removes every container, network and volume of the project. */
    @Test(timeout = 180_000)
    public void z_downLeavesNothing() throws Exception {
        compose(120, "down");
        downDone = true;
        assertTrue("docker-compose up ended after down", up.waitFor(60, TimeUnit.SECONDS));
        String label = "label=com.docker.compose.project=" + PROJECT;
        assertEquals("containers left", "", dockerOk(30, "ps", "-a", "-q", "--filter", label));
        assertEquals("networks left", "", dockerOk(30, "network", "ls", "-q", "--filter", label));
        assertEquals("volumes left", "", dockerOk(30, "volume", "ls", "-q", "--filter", label));
    }

    // ---- compose ----

    private static void freshCopy() throws Exception {
        DockerEngine.run(120, "rm", "-rf", COPY.toString());
        Files.createDirectories(COPY);
        // what a clone holds, with local edits: tracked and untracked files git does not ignore
        DockerEngine.Result files = DockerEngine.run(REPO.toFile(), Map.of(), 60, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard");
        if (files.exitCode != 0) {
            throw new AssertionError("git ls-files failed in " + REPO + ": " + files.output);
        }
        int n = 0;
        for (String f : files.output.split("\0")) {
            Path src = REPO.resolve(f);
            if (f.isEmpty() || !Files.isRegularFile(src)) {
                continue; // deleted in the working tree
            }
            Path dst = COPY.resolve(f);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            n++;
        }
        assertFalse("the copy has no .env", Files.exists(COPY.resolve(".env")));
        System.out.printf("[compose] fresh copy of the repository: %d files in %s%n", n, COPY);
    }

    private static String compose(int seconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose"));
        command.addAll(List.of(args));
        DockerEngine.Result r = DockerEngine.run(COPY.toFile(), Map.of(), seconds, command.toArray(new String[0]));
        if (r.exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode + ":\n" + r.output);
        }
        return r.out();
    }

    private static void composeDown() throws Exception {
        if (Files.isRegularFile(COPY.resolve("docker-compose.yml"))) {
            DockerEngine.run(COPY.toFile(), Map.of(), 180, "docker-compose", "down", "--remove-orphans");
        }
    }

    private static void cleanUpQuietly() {
        try {
            if (!downDone) {
                composeDown();
                downDone = true;
            }
            if (up != null && up.isAlive()) {
                up.destroy();
                up.waitFor(30, TimeUnit.SECONDS);
            }
            if (engine != null) {
                engine.stopIfStartedHere();
                engine = null;
            }
        } catch (Exception e) {
            System.err.println("DockerComposeEngineIT clean-up: " + e);
        }
    }

    /** All three services healthy; fills CONTAINER. Fails early when `up` exits. */
    private static void waitHealthy(int minutes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        Map<String, String> state = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            if (!up.isAlive()) {
                throw new AssertionError("docker-compose up exited " + up.exitValue() + ":\n" + tail(WORK.resolve("up.log"), 60));
            }
            for (String s : COMPOSE_ORDER) {
                if (!CONTAINER.containsKey(s)) {
                    String id = DockerEngine.run(COPY.toFile(), Map.of(), 30, "docker-compose", "ps", "-q", s).out();
                    if (id.matches("[0-9a-f]{12,}")) {
                        CONTAINER.put(s, id);
                    }
                }
                state.put(s, CONTAINER.containsKey(s) ? inspect(s, "{{.State.Health.Status}}") : "not created");
                if (CONTAINER.containsKey(s) && !FIRST_HEALTHY.containsKey(s)) {
                    Instant first = firstHealthy(s);
                    if (first != null) {
                        FIRST_HEALTHY.put(s, first);
                        System.out.printf("[compose] %s healthy at %s (%.1f s after up)%n", s, first, secondsSince(upStarted));
                    }
                }
            }
            if (state.values().stream().allMatch("healthy"::equals)) {
                System.out.printf("[measure] docker-compose up -> three containers healthy: %.1f s%n", secondsSince(upStarted));
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("not all healthy after " + minutes + " min: " + state + "\n" + tail(WORK.resolve("up.log"), 60));
    }

    private static void waitHealthy(String service, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String status = "";
        while (System.nanoTime() < deadline) {
            status = inspect(service, "{{.State.Health.Status}}");
            if (status.equals("healthy")) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(service + " not healthy after " + seconds + " s: " + status);
    }

    /** When the container's first passing health check ended (Docker keeps the last five), or null. */
    private static Instant firstHealthy(String service) throws Exception {
        String log = inspect(service, "{{range .State.Health.Log}}{{.ExitCode}} {{.End.UTC.Format \"2006-01-02T15:04:05.999999999Z07:00\"}}\n{{end}}");
        for (String line : log.split("\n")) {
            String[] f = line.trim().split(" ", 2);
            if (f.length == 2 && f[0].equals("0")) {
                return Instant.parse(f[1].trim());
            }
        }
        return null;
    }

    private static String inspect(String service, String format) throws Exception {
        return dockerOk(30, "inspect", "--format", format, CONTAINER.get(service));
    }

    private static void waitForMembers(String service, int members, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = docker(30, "exec", CONTAINER.get(service), "/opt/karaf/bin/karaf-ha-node", "health").out();
            if (last.contains("\"members\":" + members + ",")) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(service + " does not see " + members + " members after " + seconds + " s: " + last);
    }

    /** The last endpoint list the balancer logged for /hello that names both backends. */
    private static String waitForEndpoints(Pattern order, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = null;
        while (System.nanoTime() < deadline) {
            Matcher m = order.matcher(DockerEngine.run(COPY.toFile(), Map.of(), 60, "docker-compose", "logs", "--no-color", "balancer").output);
            while (m.find()) {
                last = m.group(1);
            }
            if (last != null && last.contains("karaf1") && last.contains("karaf2")) {
                return last;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the balancer did not list both backends for /hello within " + seconds + " s; last: " + last);
    }

    private static void measureRss() throws Exception {
        String stats = dockerOk(60, "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}",
                CONTAINER.get("balancer"), CONTAINER.get("karaf1"), CONTAINER.get("karaf2"));
        System.out.println("[measure] memory per container (docker stats):\n" + stats);
    }

    private static void dumpLogs(String service) {
        try {
            System.out.println("==== " + service + " (docker-compose logs, last 150 lines) ====");
            DockerEngine.Result r = DockerEngine.run(COPY.toFile(), Map.of(), 60, "docker-compose", "logs", "--no-color", "--tail", "150", service);
            System.out.println(r.output);
        } catch (Exception e) {
            System.out.println("(no logs: " + e + ")");
        }
    }

    // ---- HTTP ----

    /** GET inside a container, over bash's /dev/tcp (there is no curl in the image). */
    private static String execGet(String service, String path) throws Exception {
        DockerEngine.Result r = docker(30, "exec", CONTAINER.get(service), "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/8181 && printf 'GET " + path + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && cat <&3");
        String answer = r.output.replace("\r", "");
        int body = answer.indexOf("\n\n");
        return body < 0 ? answer : answer.substring(body + 2);
    }

    /** "status\nbody", or "000\n<error>". */
    static String get(String url, int timeoutSeconds) {
        return get(url, timeoutSeconds, null, null);
    }

    static String get(String url, int timeoutSeconds, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + "\n" + r.body();
        } catch (IOException e) {
            return "000\n" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "000\n" + e;
        }
    }

    private static String waitFor(String url, String expected, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(url, 5);
            if (last.contains(expected)) {
                return last;
            }
            sleep(250);
        }
        throw new AssertionError(url + " did not answer '" + expected + "' within " + seconds + " s; last: " + last);
    }

    /**
     * A client sending GET /hello through :8181 one after another, bounded in count and time; counts
     * answers by status and serving node, and the slowest.
     */
    static final class Stream {
        static final class Tally {
            int ok;
            int failed;
            long worstMillis;
            final Map<String, Integer> byNode = new TreeMap<>();
            final Map<String, Integer> failures = new HashMap<>();

            @Override
            public String toString() {
                return (ok + failed) + " requests, " + failed + " failed " + failures + ", by node " + byNode + ", slowest " + worstMillis + " ms";
            }
        }

        private final Tally tally = new Tally();
        private final Thread thread;
        private volatile boolean stop;

        private Stream(int maxRequests, int maxSeconds) {
            thread = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
                for (int i = 0; i < maxRequests && !stop && System.nanoTime() < deadline; i++) {
                    long t = System.nanoTime();
                    String answer = get(HELLO, 15);
                    long ms = (System.nanoTime() - t) / 1_000_000;
                    synchronized (tally) {
                        tally.worstMillis = Math.max(tally.worstMillis, ms);
                        if (answer.startsWith("200\n")) {
                            tally.ok++;
                            String line = firstLine(answer.substring(4));
                            tally.byNode.merge(line.startsWith("node: ") ? line.substring(6) : line, 1, Integer::sum);
                        } else {
                            tally.failed++;
                            tally.failures.merge(answer.split("\n", 2)[0], 1, Integer::sum);
                        }
                    }
                    sleep(10);
                }
            }, "request-stream");
        }

        static Stream start(int maxRequests, int maxSeconds) {
            Stream s = new Stream(maxRequests, maxSeconds);
            s.thread.start();
            return s;
        }

        Tally stop() throws InterruptedException {
            stop = true;
            thread.join(30_000);
            synchronized (tally) {
                return tally;
            }
        }
    }

    // ---- small things ----

    private static String firstLine(String body) {
        return body.lines().findFirst().orElse("").trim();
    }

    private static String firstLines(String answer) {
        String[] lines = answer.split("\n");
        return lines[0] + "\n" + (lines.length > 1 ? lines[1].trim() : "");
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }
}
