package io.karafha.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.Rule;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * A stock Apache Karaf 4.4.10 (the tar.gz from Maven Central, nothing of this project inside),
 * prepared the way the README tells a user: one role's etc files copied into etc/ and the node
 * settings in etc/custom.system.properties. The tests then do what feature:repo-add and
 * feature:install do, through the FeaturesService.
 */
public abstract class StockKarafSupport {

    static final String FEATURES_URL_PROPERTY = "karaf.ha.test.features";

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Rule
    public TestWatcher dumpLogOnFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description description) {
            try {
                List<String> lines = Files.readAllLines(karafLog());
                System.err.println("==== last lines of " + karafLog() + " ====");
                lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.err::println);
            } catch (IOException io) {
                System.err.println("no karaf.log: " + io);
            }
        }
    };

    /** Options common to every stock Karaf: ports that collide with nothing, the local Maven repository. */
    protected static List<Option> stockKaraf(String role, String nodeName, int httpPort, int hazelcastPort, String members) {
        return stockKaraf(role, nodeName, httpPort, hazelcastPort, members, Map.of());
    }

    /**
     * @param nodeCfgChanges keys of etc/org.apache.karaf.cellar.node.cfg to change from the role's file
     */
    protected static List<Option> stockKaraf(String role, String nodeName, int httpPort, int hazelcastPort, String members,
                                             Map<String, String> nodeCfgChanges) {
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .version(System.getProperty("karaf.version", "4.4.10")).type("tar.gz");
        String repoRoot = System.getProperty("repo.root", "..");
        File etc = new File(repoRoot, "etc-" + role);
        String props = "etc/custom.system.properties";
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(karaf).name("Apache Karaf")
                        .unpackDirectory(new File(System.getProperty("build.dir", "target"), "exam")).useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(httpPort)),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", "127.0.0.1"),
                // the README's step: the role's files into etc/ before the features are installed
                replaceConfigurationFile("etc/hazelcast.xml", new File(etc, "hazelcast.xml")),
                replaceConfigurationFile("etc/org.apache.karaf.cellar.node.cfg",
                        changed(new File(etc, "org.apache.karaf.cellar.node.cfg"), nodeCfgChanges)),
                replaceConfigurationFile("etc/org.apache.karaf.cellar.groups.cfg", new File(etc, "org.apache.karaf.cellar.groups.cfg")),
                replaceConfigurationFile(props, changed(new File(etc, "custom.system.properties"), Map.of(
                        "karaf.name", nodeName,
                        "karaf.ha.http.port", String.valueOf(httpPort),
                        "karaf.ha.hazelcast.port", String.valueOf(hazelcastPort),
                        "karaf.ha.hazelcast.members", members))),
                systemProperty(FEATURES_URL_PROPERTY).value("mvn:io.karafha/karaf-ha-features/"
                        + System.getProperty("project.version") + "/xml/features")));
        return options;
    }

    /** A copy of a role file under target/ with some 'key = value' lines replaced (or appended). */
    static File changed(File original, Map<String, String> changes) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(original.toPath()));
            for (Map.Entry<String, String> change : changes.entrySet()) {
                boolean replaced = false;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches("\\s*" + java.util.regex.Pattern.quote(change.getKey()) + "\\s*[=:].*")) {
                        lines.set(i, change.getKey() + " = " + change.getValue());
                        replaced = true;
                    }
                }
                if (!replaced) {
                    lines.add(change.getKey() + " = " + change.getValue());
                }
            }
            Path dir = Files.createDirectories(Paths.get(System.getProperty("build.dir", "target"), "exam-etc"));
            Path copy = Files.createTempFile(dir, original.getName() + "-", "");
            Files.write(copy, lines);
            return copy.toFile();
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + original, e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** feature:repo-add of the project's features repository, then feature:install of each feature. */
    protected void install(String... features) throws Exception {
        featuresService.addRepository(URI.create(System.getProperty(FEATURES_URL_PROPERTY)));
        for (String feature : features) {
            featuresService.installFeature(feature);
        }
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    protected static Path karafLog() {
        return Paths.get(System.getProperty("karaf.data"), "log", "karaf.log");
    }

    protected static String karafLogText() throws IOException {
        return new String(Files.readAllBytes(karafLog()), StandardCharsets.UTF_8);
    }

    protected static int httpPort() {
        return Integer.parseInt(System.getProperty("karaf.ha.http.port"));
    }

    /** One real HTTP GET over a socket; returns "status\nbody". */
    protected static String get(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + httpPort() + path).openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        int status = c.getResponseCode();
        byte[] body = (status < 400 ? c.getInputStream() : c.getErrorStream()) == null ? new byte[0]
                : (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        return status + "\n" + new String(body, StandardCharsets.UTF_8);
    }

    protected static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + timeoutMillis + " ms: " + what);
            }
            Thread.sleep(200);
        }
    }

    protected static String getQuietly(String path) {
        try {
            return get(path);
        } catch (IOException e) {
            return "000\n" + e;
        }
    }

    protected static boolean logContains(String text) {
        try {
            return karafLogText().contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
