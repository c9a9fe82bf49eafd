package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.BeforeClass;
import org.junit.Test;

/**
 * docker-compose.yml as Docker Compose resolves it ({@code docker-compose config}, no engine needed),
 * and the Dockerfile checked against it and against the Maven build, linted. The image build and the
 * running nodes are {@link DockerComposeEngineIT}'s, on a real engine.
 */
public class DockerComposeIT {

    static final String PASSWORD = "compose-it-Secret1";
    static final Path REPO = ComposeFile.repo().toPath();
    private static ComposeFile compose;

    @BeforeClass
    public static void resolve() throws Exception {
        compose = ComposeFile.resolve(env(PASSWORD));
    }

    static Map<String, String> env(String password) {
        return password == null ? Map.of() : Map.of("KARAF_HA_ADMIN_PASSWORD", password);
    }

    @Test(timeout = 120_000)
    public void threeServicesWithTheirRoles() {
        assertEquals(Set.of("balancer", "karaf1", "karaf2"), compose.services().keySet());
        for (String s : List.of("balancer", "karaf1", "karaf2")) {
            Map<String, String> env = compose.environment(s);
            assertEquals(s + " role", s.equals("balancer") ? "balancer" : "backend", env.get("KARAF_HA_ROLE"));
            assertEquals(s + " node name", s, env.get("KARAF_HA_NODE_NAME"));
            assertEquals(s + " Hazelcast members by service name", "balancer:5701,karaf1:5701,karaf2:5701", env.get("KARAF_HA_HAZELCAST_MEMBERS"));
            assertEquals(s + " admin password from the environment", PASSWORD, env.get("KARAF_HA_ADMIN_PASSWORD"));
            assertEquals(s + " restart policy", "unless-stopped", compose.service(s).get("restart"));
            assertEquals(s + " image", "karaf-ha:1.0.0-SNAPSHOT", compose.service(s).get("image"));
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) compose.service(s).get("build");
            assertEquals(s + " Dockerfile", "docker/Dockerfile", build.get("dockerfile"));
            assertEquals(s + " one network", Set.of("karaf-ha"), networks(s));
        }
    }

    @Test(timeout = 120_000)
    public void healthChecksRunTheNodeHealthCommand() {
        for (String s : compose.services().keySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> hc = (Map<String, Object>) compose.service(s).get("healthcheck");
            assertEquals(s + " health check", List.of("CMD", "/opt/karaf/bin/karaf-ha-node", "health"), hc.get("test"));
            assertEquals(s + " health interval", "10s", hc.get("interval"));
        }
    }

    @Test(timeout = 120_000)
    public void balancerWaitsForHealthyBackendsAndKaraf1StartsFirst() {
        assertEquals(Map.of("karaf1", Map.of("condition", "service_healthy"), "karaf2", Map.of("condition", "service_healthy")),
                compose.service("balancer").get("depends_on"));
        assertEquals(Map.of("karaf1", Map.of("condition", "service_healthy")), compose.service("karaf2").get("depends_on"));
        assertNull("karaf1 waits for nobody", compose.service("karaf1").get("depends_on"));
    }

    @Test(timeout = 120_000)
    public void onlyTheBalancerPublishesPortsAndSshOnlyOnLoopback() {
        assertNull("karaf1 publishes nothing", compose.service("karaf1").get("ports"));
        assertNull("karaf2 publishes nothing", compose.service("karaf2").get("ports"));
        List<String> ports = new ArrayList<>();
        for (Object p : (List<?>) compose.service("balancer").get("ports")) {
            if (p instanceof Map) {
                Map<?, ?> m = (Map<?, ?>) p;
                ports.add((m.get("host_ip") == null ? "" : m.get("host_ip") + ":") + m.get("published") + ":" + m.get("target"));
            } else {
                ports.add(String.valueOf(p).replace("/tcp", ""));
            }
        }
        assertEquals(List.of("8181:8181", "127.0.0.1:8101:8101"), ports);
    }

    @Test(timeout = 120_000)
    public void noNamedVolumes() {
        assertNull("no top-level volumes", compose.top("volumes"));
        for (String s : compose.services().keySet()) {
            assertNull(s + " mounts nothing", compose.service(s).get("volumes"));
        }
    }

    /** No .env needed: without a password Compose still resolves, with an empty one (the node generates its own); no default. */
    @Test(timeout = 120_000)
    public void noPasswordNeededAndNoDefault() throws Exception {
        ComposeFile none = ComposeFile.resolve(env(null));
        for (String s : none.services().keySet()) {
            assertEquals(s + ": no default password in the compose file", "", none.environment(s).get("KARAF_HA_ADMIN_PASSWORD"));
        }
        String entrypoint = Files.readString(REPO.resolve("docker/entrypoint.sh"), StandardCharsets.UTF_8);
        assertTrue("the entrypoint generates a password from /dev/urandom when none is given", entrypoint.contains("/dev/urandom"));
    }

    /** Base images are build arguments with the Dockerfile's defaults, overridable from .env (pinned by digest). */
    @Test(timeout = 120_000)
    public void baseImagesAreBuildArguments() throws Exception {
        Map<String, String> defaults = DockerEngine.baseImageArgs(REPO.resolve("docker/Dockerfile"));
        assertEquals(Map.of("BUILD_IMAGE", "maven:3.9-eclipse-temurin-17", "BASE_IMAGE", "eclipse-temurin:17-jre-jammy"), defaults);
        for (String s : compose.services().keySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) compose.service(s).get("build");
            assertEquals(s + " build args default to the Dockerfile's", defaults, build.get("args"));
        }
        String pinned = "eclipse-temurin:17-jre-jammy@sha256:" + "0123456789abcdef".repeat(4);
        @SuppressWarnings("unchecked")
        Map<String, Object> build = (Map<String, Object>) ComposeFile.resolve(Map.of("KARAF_HA_BASE_IMAGE", pinned))
                .service("balancer").get("build");
        assertEquals("KARAF_HA_BASE_IMAGE pins the runtime base", pinned, ((Map<?, ?>) build.get("args")).get("BASE_IMAGE"));
    }

    /** The Dockerfile builds the image from the sources with the project's Maven build; checked against the reactor. */
    @Test(timeout = 120_000)
    public void dockerfileMatchesComposeAndTheBuild() throws IOException {
        String dockerfile = Files.readString(REPO.resolve("docker/Dockerfile"), StandardCharsets.UTF_8);
        String version = System.getProperty("project.version", "1.0.0-SNAPSHOT");
        assertTrue("stage 1 runs on the Maven build image", dockerfile.contains("FROM ${BUILD_IMAGE} AS dependencies"));
        assertTrue("the runtime runs on the base image", dockerfile.contains("\nFROM ${BASE_IMAGE}\n"));
        assertTrue("the image is built by the project's Maven build", dockerfile.contains("install -pl distribution -am"));
        assertTrue("the runtime unpacks the distribution the build made",
                dockerfile.contains("distribution/target/karaf-ha-distribution-*.tar.gz"));
        // the dependency stage copies every module's pom: a module missing there breaks the cached layer
        String rootPom = Files.readString(REPO.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
        int modules = 0;
        while (module.find()) {
            modules++;
            String m = module.group(1);
            assertTrue("the dependency stage copies " + m + "/pom.xml", dockerfile.contains("COPY " + m + "/pom.xml " + m + "/")
                    || dockerfile.contains("COPY " + m + "/ " + m + "/"));
            if (Files.isDirectory(REPO.resolve(m + "/src/main/cfg"))) {
                assertTrue("the dependency stage copies " + m + "/src/main/cfg/ (attached to the build)",
                        dockerfile.contains("COPY " + m + "/src/main/cfg/ " + m + "/src/main/cfg/"));
            }
        }
        assertTrue("modules found in the root pom", modules > 3);
        assertTrue("ARG default is the project version", dockerfile.contains("ARG KARAF_HA_VERSION=" + version));
        assertTrue("the entrypoint is the project's script", dockerfile.contains("COPY docker/entrypoint.sh ")
                && dockerfile.contains("ENTRYPOINT [\"/opt/karaf/bin/karaf-ha-entrypoint\"]"));
        assertTrue("health check is the same command as in compose",
                dockerfile.contains("CMD [\"/opt/karaf/bin/karaf-ha-node\", \"health\"]"));
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertTrue("the image sets a user", user.find());
        assertNotEquals("the image does not run as root", "root", user.group(1));
        assertFalse("no RUN --mount: the classic builder (docker-compose 1.x) must build it too",
                Pattern.compile("(?m)^RUN\\s+--mount").matcher(dockerfile).find());
        assertFalse("no remote Dockerfile frontend (# syntax=): it would be pulled from a registry",
                Pattern.compile("(?mi)^#\\s*syntax\\s*=").matcher(dockerfile).find());
        assertFalse("nothing but Maven downloads into the image", dockerfile.matches("(?s).*\\b(curl|wget|apt-get|ADD https?:).*"));
        Set<String> exposed = new TreeSet<>();
        Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
        while (expose.find()) {
            exposed.addAll(List.of(expose.group(1).trim().split("\\s+")));
        }
        assertTrue("the image exposes HTTP and Hazelcast: " + exposed, exposed.containsAll(Set.of("8181", "5701")));
        String ignore = Files.readString(REPO.resolve(".dockerignore"), StandardCharsets.UTF_8);
        assertTrue("build outputs stay out of the build context", ignore.contains("**/target"));
        assertTrue(".env stays out of the build context", ignore.lines().anyMatch(".env"::equals));
    }

    /**
     * The Dockerfile passes the checks Docker's own parser makes (instructions, flags, durations,
     * ports), through dockerfile-utils (the VS Code Docker extension's validator), pinned in
     * docker/lint/package-lock.json and installed with npm into target/.
     */
    @Test(timeout = 300_000)
    public void dockerfilePassesTheDockerfileLinter() throws Exception {
        Path work = Path.of(System.getProperty("build.dir", "target"), "dockerfile-lint");
        Files.createDirectories(work);
        for (String f : List.of("package.json", "package-lock.json")) {
            Files.copy(REPO.resolve("docker/lint/" + f), work.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isExecutable(work.resolve("node_modules/.bin/dockerfile-utils"))) {
            String out = exec(work, 240, "npm", "ci", "--no-audit", "--no-fund");
            assertTrue("npm ci failed:\n" + out, Files.isExecutable(work.resolve("node_modules/.bin/dockerfile-utils")));
        }
        Process p = new ProcessBuilder(work.resolve("node_modules/.bin/dockerfile-utils").toString(), "lint",
                REPO.resolve("docker/Dockerfile").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("linter did not finish", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("docker/Dockerfile lint findings:\n" + out, 0, p.exitValue());
        assertEquals("no findings", "", out.trim());
    }

    private static String exec(Path dir, int seconds, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException missing) {
            throw new AssertionError(command[0] + " is not installed (Node.js and npm are needed to lint the Dockerfile)", missing);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", command) + " did not finish in " + seconds + " s", p.waitFor(seconds, TimeUnit.SECONDS));
        return out + "\n(exit " + p.exitValue() + ")";
    }

    /** The entrypoint, the node script and the launcher pass ShellCheck (warnings and errors). */
    @Test(timeout = 120_000)
    public void shellScriptsPassShellCheck() throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "-S", "warning"));
        for (String script : List.of("docker/entrypoint.sh", "distribution/src/main/assembly/bin/karaf-ha-node",
                "distribution/src/main/assembly/bin/setenv", "karaf-ha", "bench/run.sh", ".ci/run",
                "docker/stand-in-base", "docker/placeholder-sources")) {
            command.add(REPO.resolve(script).toString());
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            throw new AssertionError("shellcheck is not installed (apt-get install shellcheck; .ci/run does)", notInstalled);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("shellcheck did not finish", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("shellcheck findings:\n" + out, 0, p.exitValue());
    }

    @SuppressWarnings("unchecked")
    private static Set<String> networks(String service) {
        Object n = compose.service(service).get("networks");
        return n instanceof Map ? ((Map<String, Object>) n).keySet() : new TreeSet<>((List<String>) n);
    }
}
