package io.karafha.itests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Docker engine the compose test runs on: the one already running, or a {@code dockerd} this
 * class starts (as root) and later stops, and nothing else. Base images the Dockerfile names that are
 * not present are built as stand-ins, offline, by {@code docker/stand-in-base} (no image registry is
 * reachable on the test machines; on a user's machine the real images are pulled).
 */
final class DockerEngine {

    /** What a command printed (stdout and stderr) and how it exited. */
    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        String out() {
            return output.trim();
        }
    }

    private final Process dockerd;
    private final Path log;

    private DockerEngine(Process dockerd, Path log) {
        this.dockerd = dockerd;
        this.log = log;
    }

    /**
     * An engine that answers {@code docker info}: the running one, else a dockerd started here.
     *
     * @return null with the reason in {@code why[0]} when no engine can run here
     */
    static DockerEngine startOrFind(Path work, String[] why) throws Exception {
        if (which("docker") == null) {
            why[0] = "the docker command is not installed (apt-get install docker.io; .ci/run does)";
            return null;
        }
        if (run(60, "docker", "info").exitCode == 0) {
            System.out.println("[docker] using the running engine");
            return new DockerEngine(null, null);
        }
        if (which("dockerd") == null) {
            why[0] = "no Docker engine answers and dockerd is not installed (apt-get install docker.io)";
            return null;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            why[0] = "no Docker engine answers and starting dockerd needs root (running as " + System.getProperty("user.name") + ")";
            return null;
        }
        Files.createDirectories(work);
        Path log = work.resolve("dockerd.log");
        Process p = new ProcessBuilder("setsid", "dockerd").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                why[0] = "dockerd exited with " + p.exitValue() + ": " + tail(log, 15);
                return null;
            }
            if (run(10, "docker", "info").exitCode == 0) {
                System.out.printf("[docker] started dockerd (PID %d); it is stopped after the test%n", p.pid());
                return new DockerEngine(p, log);
            }
            Thread.sleep(500);
        }
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        why[0] = "dockerd did not answer within 60 s: " + tail(log, 15);
        return null;
    }

    /** Stops the dockerd this class started, if it did; an engine found running is left alone. */
    void stopIfStartedHere() throws InterruptedException {
        if (dockerd == null) {
            return;
        }
        dockerd.destroy(); // SIGTERM: dockerd stops its containers and exits
        if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
            System.out.println("[docker] dockerd did not stop in 60 s; killing it. Its log: " + log);
            dockerd.destroyForcibly();
        } else {
            System.out.println("[docker] stopped the dockerd started for the test");
        }
    }

    /** The default of each {@code ARG NAME=value} before the Dockerfile's first FROM that a FROM uses. */
    static Map<String, String> baseImageArgs(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile, StandardCharsets.UTF_8);
        Map<String, String> args = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^ARG ([A-Z_]+_IMAGE)=(\\S+)\\s*$").matcher(text.substring(0, text.indexOf("\nFROM ")));
        while (m.find()) {
            args.put(m.group(1), m.group(2));
        }
        return args;
    }

    /** Builds a stand-in for the image when no image of that tag is present. */
    static void standInIfMissing(Path repo, String kind, String tag) throws Exception {
        if (run(30, "docker", "image", "inspect", tag).exitCode == 0) {
            System.out.printf("[docker] base image %s is present%n", tag);
            return;
        }
        long t0 = System.nanoTime();
        Result r = run(900, repo.resolve("docker/stand-in-base").toString(), kind, tag);
        if (r.exitCode != 0) {
            throw new AssertionError("docker/stand-in-base " + kind + " " + tag + " failed:\n" + r.output);
        }
        System.out.printf("[docker] built the stand-in %s in %.0f s: %s%n", tag, (System.nanoTime() - t0) / 1e9, r.out());
    }

    static Result docker(int seconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(seconds, command.toArray(new String[0]));
    }

    /** docker, expecting exit 0; returns the trimmed output. */
    static String dockerOk(int seconds, String... args) throws Exception {
        Result r = docker(seconds, args);
        if (r.exitCode != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + " exited " + r.exitCode + ":\n" + r.output);
        }
        return r.out();
    }

    static Result run(int seconds, String... command) throws Exception {
        return run(null, Map.of(), seconds, command);
    }

    static Result run(File dir, Map<String, String> env, int seconds, String... command) throws Exception {
        Path out = Files.createTempFile("karaf-ha-docker", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException missing) {
                return new Result(127, command[0] + ": " + missing.getMessage());
            }
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(124, String.join(" ", command) + " did not finish in " + seconds + " s:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
