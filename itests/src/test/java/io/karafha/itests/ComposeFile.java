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

import org.yaml.snakeyaml.Yaml;

/**
 * The repository's docker-compose.yml as Docker Compose itself resolves it: the output of
 * {@code docker-compose config} (Debian's docker-compose package runs it without a Docker engine),
 * parsed with SnakeYAML. Tests read services, ports, environment and health checks from here, never
 * from a copy of the file.
 */
public final class ComposeFile {

    /** What docker-compose printed and how it exited. */
    public static final class Result {
        public final int exitCode;
        public final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    private final Map<String, Object> config;

    private ComposeFile(Map<String, Object> config) {
        this.config = config;
    }

    /** Resolves the compose file with the given environment (plus PATH); fails with Compose's words if it does not resolve. */
    public static ComposeFile resolve(Map<String, String> env) throws IOException, InterruptedException {
        Result r = run(env, "config");
        if (r.exitCode != 0) {
            throw new AssertionError("docker-compose config exited " + r.exitCode + ":\n" + r.output);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) new Yaml().load(r.output);
        return new ComposeFile(parsed);
    }

    /** Runs docker-compose in the repository root with exactly this environment (plus PATH). */
    public static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String exe = findDockerCompose();
        List<String> command = new ArrayList<>();
        command.add(exe);
        command.add("--project-directory");
        command.add(repo().getPath());
        command.add("-f");
        command.add(new File(repo(), "docker-compose.yml").getPath());
        // only the given environment: a user's own .env in the repository is not read
        Path emptyEnvFile = Files.createTempFile("karaf-ha-compose", ".env");
        command.add("--env-file");
        command.add(emptyEnvFile.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("docker-compose " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(emptyEnvFile);
        }
    }

    static File repo() {
        return new File(System.getProperty("repo.root", "..")).getAbsoluteFile();
    }

    static String findDockerCompose() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, "docker-compose");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new AssertionError("docker-compose is not installed: the compose file cannot be validated. "
                + "Install Debian's package (apt-get install docker-compose); .ci/run does.");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> services() {
        return (Map<String, Object>) config.get("services");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> service(String name) {
        Map<String, Object> s = (Map<String, Object>) services().get(name);
        if (s == null) {
            throw new AssertionError("docker-compose.yml has no service " + name + "; it has " + services().keySet());
        }
        return s;
    }

    /** The service's environment as Compose resolved it (values as strings). */
    @SuppressWarnings("unchecked")
    public Map<String, String> environment(String name) {
        Object env = service(name).get("environment");
        Map<String, String> out = new java.util.TreeMap<>();
        if (env instanceof Map) {
            ((Map<String, Object>) env).forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
        } else if (env instanceof List) {
            for (Object kv : (List<Object>) env) {
                String s = String.valueOf(kv);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return out;
    }

    public Object top(String key) {
        return config.get(key);
    }
}
