package io.karafha.itests;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * The three-node cluster exactly as a user starts it: through the repository's ./karaf-ha command,
 * in its own folder (target/cluster) and on ports moved by KARAF_HA_PORT_OFFSET so that a cluster
 * the user runs on the default ports is left alone.
 */
public final class LocalCluster {

    public static final int OFFSET = 1000;

    private final File repo = new File(System.getProperty("repo.root", "..")).getAbsoluteFile();
    private final Path home = Path.of(System.getProperty("build.dir", "target"), "cluster").toAbsolutePath();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static int httpPort(String node) {
        return 8181 + index(node) + OFFSET;
    }

    public static int hazelcastPort(String node) {
        return 5701 + index(node) + OFFSET;
    }

    private static int index(String node) {
        switch (node) {
            case "balancer": return 0;
            case "karaf1": return 1;
            case "karaf2": return 2;
            default: throw new IllegalArgumentException("no node " + node);
        }
    }

    public Path home() {
        return home;
    }

    /** Runs ./karaf-ha with the arguments; fails with its output when it exits non-zero. */
    public String karafHa(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(new File(repo, "karaf-ha").getPath());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("KARAF_HA_HOME", home.toString());
        env.put("KARAF_HA_PORT_OFFSET", String.valueOf(OFFSET));
        env.put("KARAF_HA_WAIT_SECONDS", "240");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./karaf-ha " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("./karaf-ha " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + text + logTails());
        }
        return text;
    }

    /**
     * The last warnings, errors and bundle refreshes in each node's log: a failure report then shows on CI
     * why a node was not ready or lost a command, where the node folders are gone after the run.
     */
    public String logTails() {
        StringBuilder out = new StringBuilder();
        for (String node : List.of("balancer", "karaf1", "karaf2")) {
            Path log = home.resolve(node).resolve("data/log/karaf.log");
            if (!Files.isRegularFile(log)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
                List<String> notable = lines
                        .filter(l -> l.contains("| WARN ") || l.contains("| ERROR") || l.contains("efreshing")
                                || l.contains("Stopping: draining") || l.contains("Members {")
                                || (!l.startsWith("\tat ") && l.contains("Exception")))
                        .filter(l -> !l.contains("HazelcastMemberCheck") && !l.contains("OSGiScriptEngineManager"))
                        .collect(Collectors.toList());
                out.append("\n--- ").append(node).append(" karaf.log, last notable lines ---\n");
                notable.subList(Math.max(0, notable.size() - 12), notable.size())
                        .forEach(l -> out.append(l, 0, Math.min(l.length(), 300)).append('\n'));
            } catch (IOException | java.io.UncheckedIOException e) {
                out.append("\n--- ").append(node).append(": log unreadable: ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    private long lastSettingsWrite;

    /**
     * One write of the balancer's PID over the shell; writes are at least 2 s apart (fileinstall polls
     * etc/ every second, and a second write while it picks up the first could cost the cfg file keys).
     */
    public void balancerSettings(String... keyValues) throws IOException, InterruptedException {
        long wait = lastSettingsWrite + 2000 - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        StringBuilder cmd = new StringBuilder("config:edit io.karafha.balancer");
        for (String kv : keyValues) {
            cmd.append("; config:property-set ").append(kv);
        }
        shell("balancer", cmd.append("; config:update").toString());
        lastSettingsWrite = System.currentTimeMillis();
    }

    /** Waits up to 15 s until a "Balancer settings in force" line of the balancer's log holds all the given key=value texts. */
    public void awaitBalancerSettings(String... texts) throws IOException, InterruptedException {
        Path log = home.resolve("balancer/data/log/karaf.log");
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            for (String line : Files.readAllLines(log)) {
                if (line.contains("Balancer settings in force: proxy=true") && java.util.Arrays.stream(texts).allMatch(line::contains)) {
                    return;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the balancer did not take " + java.util.Arrays.toString(texts) + logTails());
            }
            Thread.sleep(100);
        }
    }

    /** A Karaf shell command on a node, over SSH, as './karaf-ha shell NODE COMMAND'. */
    public String shell(String node, String command) throws IOException, InterruptedException {
        return karafHa(60, "shell", node, command).replaceAll("\u001B\\[[;\\d]*m", "");
    }

    /** A Karaf shell command that may fail: its exit status, then its output (stdout and stderr), without colours. */
    public String[] shellResult(String node, String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new File(repo, "karaf-ha").getPath(), "shell", node, command)
                .directory(repo).redirectErrorStream(true);
        pb.environment().put("KARAF_HA_HOME", home.toString());
        pb.environment().put("KARAF_HA_PORT_OFFSET", String.valueOf(OFFSET));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./karaf-ha shell " + node + " '" + command + "' did not finish in 60 s");
        }
        return new String[] {String.valueOf(p.exitValue()),
                new String(out, StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", "")};
    }

    /** GET http://127.0.0.1:PORT/path on a node; returns "status\nbody" or "000\n<error>". */
    public String get(String node, String path) {
        return send(request(node, path, 5).build());
    }

    /** GET with a client timeout of the given seconds. */
    public String get(String node, String path, int timeoutSeconds) {
        return send(request(node, path, timeoutSeconds).build());
    }

    /** POST a body to http://127.0.0.1:PORT/path on a node; returns "status\nbody" or "000\n<error>". */
    public String post(String node, String path, byte[] body, int timeoutSeconds) {
        return send(request(node, path, timeoutSeconds).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static HttpRequest.Builder request(String node, String path, int timeoutSeconds) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort(node) + path)).timeout(Duration.ofSeconds(timeoutSeconds));
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + "\n" + r.body();
        } catch (IOException e) {
            return "000\n" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "000\n" + e;
        }
    }

    /**
     * feature:install on karaf1 only, as a user does on one backend, then waits until both backends list
     * the feature installed and serve {@code path} themselves (200): the web group's feature sync
     * (io.karafha.features) carries the install to karaf2. Fails naming what each backend shows
     * (features, components, configurations) when karaf2 does not list it within 60 s or a backend does
     * not serve it within 90 s.
     */
    public void installOnBackends(String feature, String path) throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        install("karaf1", feature);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!installed("karaf2", feature)) {
            if (System.currentTimeMillis() > deadline) {
                StringBuilder why = new StringBuilder("feature sync did not carry " + feature + " from karaf1 to karaf2 within 60 s");
                for (String node : List.of("karaf1", "karaf2")) {
                    why.append("\n").append(node).append("> feature:list -i\n").append(shellResult(node, "feature:list -i")[1]);
                }
                throw new AssertionError(why.append(logTails()).toString());
            }
            Thread.sleep(500);
        }
        System.out.println(feature + " installed on karaf1 reached karaf2 " + (System.currentTimeMillis() - start) + " ms after the command started");
        deadline = System.currentTimeMillis() + 90_000;
        List<String> missing;
        do {
            missing = new java.util.ArrayList<>();
            for (String node : List.of("karaf1", "karaf2")) {
                String answer = get(node, path);
                if (!answer.startsWith("200\n")) {
                    missing.add(node);
                }
            }
            if (!missing.isEmpty()) {
                Thread.sleep(1000);
            }
        } while (!missing.isEmpty() && System.currentTimeMillis() < deadline);
        if (!missing.isEmpty()) {
            StringBuilder why = new StringBuilder(feature + " installed, but " + missing + " do not serve " + path + " after 90 s");
            for (String node : missing) {
                why.append("\n--- ").append(node).append(": GET ").append(path).append(" -> ").append(get(node, path).split("\n", 2)[0]);
                for (String cmd : List.of("feature:list -i", "scr:list", "config:list '(service.pid=io.karafha.*)'")) {
                    why.append("\n").append(node).append("> ").append(cmd).append("\n").append(shellResult(node, cmd)[1]);
                }
            }
            throw new AssertionError(why.append(logTails()).toString());
        }
    }

    /** Waits up to 120 s until the balancer answers 200 for the path (the route reached it). */
    public void awaitOnBalancer(String path) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!get("balancer", path).startsWith("200\n")) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the balancer does not serve " + path + " after 120 s" + logTails());
            }
            Thread.sleep(1000);
        }
    }

    private boolean installed(String node, String feature) throws IOException, InterruptedException {
        return shellResult(node, "feature:list -i")[1].matches("(?s).*\\b" + java.util.regex.Pattern.quote(feature) + "\\s.*");
    }

    /** feature:install on a node; fails with its output and the nodes' notable log lines unless it exits 0 and lists the feature. */
    private void install(String node, String feature) throws IOException, InterruptedException {
        String[] result = shellResult(node, "feature:install " + feature);
        if (!"0".equals(result[0]) || result[1].contains("Error executing command") || !installed(node, feature)) {
            throw new AssertionError(node + ": feature:install " + feature + " (exit " + result[0] + "): " + result[1] + logTails());
        }
    }

    /** A new cluster from scratch: the node folders of an earlier run removed, then ./karaf-ha up. */
    public void startFresh() throws IOException, InterruptedException {
        karafHa(120, "clean");
        karafHa(300, "up");
    }

    /** The node named in a /hello answer (as {@link #get} returns it), or "status N" when it is no 200. */
    public static String servedBy(String answer) {
        if (!answer.startsWith("200\n")) {
            return "status " + answer.split("\n", 2)[0];
        }
        for (String line : answer.split("\n")) {
            if (line.startsWith("node: ")) {
                return line.substring(6).trim();
            }
        }
        return "no node line";
    }

    /** Who answers GET /hello through the balancer now. */
    public String helloServedBy() {
        return servedBy(get("balancer", "/hello"));
    }

    /** Waits until GET /hello through the balancer is answered by the node. */
    public void awaitHelloServedBy(String node, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            last = helloServedBy();
            if (last.equals(node)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the balancer's /hello is not served by " + node + " within " + timeoutMillis + " ms; last: " + last);
    }

    /** A JUnit rule that prints the end of every node's karaf.log when a test fails. */
    public TestWatcher dumpLogsOnFailure() {
        return new TestWatcher() {
            @Override
            protected void failed(Throwable e, Description description) {
                dumpLogs();
            }
        };
    }

    public long pid(String node) throws IOException {
        return Long.parseLong(Files.readString(home.resolve(node + ".pid")).trim());
    }

    /** Resident memory of the node's JVM in MB, from /proc. */
    public long rssMb(String node) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid(node)), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /**
     * The end of every node's karaf.log on stderr, a run of one repeated message shown once with its count
     * (a node repeating one warning per request would hide everything else), and a copy of each whole log
     * under target/failed-logs/ for a run on this machine.
     */
    public void dumpLogs() {
        String stamp = String.valueOf(System.currentTimeMillis());
        for (String node : List.of("balancer", "karaf1", "karaf2")) {
            Path log = home.resolve(node).resolve("data/log/karaf.log");
            try {
                List<String> lines = collapseRepeats(Files.readAllLines(log));
                System.err.println("==== last lines of " + log + " (repeats collapsed) ====");
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.err::println);
                Path copy = Path.of("target", "failed-logs", stamp + "-" + node + ".log");
                Files.createDirectories(copy.getParent());
                Files.copy(log, copy);
            } catch (IOException e) {
                System.err.println("no log " + log);
            }
        }
    }

    /** Consecutive lines that differ only in time and thread become one, followed by "(N times)". */
    static List<String> collapseRepeats(List<String> lines) {
        List<String> out = new java.util.ArrayList<>();
        String lastKey = null;
        int repeats = 0;
        for (String line : lines) {
            String[] fields = line.split("\\|", 4);
            String key = fields.length == 4 ? fields[1] + fields[3] : line;
            if (key.equals(lastKey)) {
                repeats++;
                continue;
            }
            if (repeats > 0) {
                out.add("    ... the line above " + repeats + " more times");
            }
            out.add(line);
            lastKey = key;
            repeats = 0;
        }
        if (repeats > 0) {
            out.add("    ... the line above " + repeats + " more times");
        }
        return out;
    }
}
