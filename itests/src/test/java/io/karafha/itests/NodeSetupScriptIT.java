package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.junit.Before;
import org.junit.Test;

/**
 * bin/karaf-ha-node, the script the local launcher and the Docker entrypoint share, run for real on
 * a Karaf-like folder: bad input is named and changes nothing; good input sets the node up.
 */
public class NodeSetupScriptIT {

    private final Path repo = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    private Path home;

    @Before
    public void karafHome() throws IOException {
        home = Files.createTempDirectory(Path.of(System.getProperty("build.dir", "target")), "node-setup-");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("etc"));
        Path script = home.resolve("bin/karaf-ha-node");
        Files.copy(repo.resolve("distribution/src/main/assembly/bin/karaf-ha-node"), script);
        script.toFile().setExecutable(true);
        for (String role : new String[] {"etc-backend", "etc-balancer"}) {
            Files.createDirectories(home.resolve(role));
            for (File f : repo.resolve(role).toFile().listFiles()) {
                Files.copy(f.toPath(), home.resolve(role).resolve(f.getName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private Result configure(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf-ha-node").toString(), "configure").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_HA_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new Result(p.exitValue(), out);
    }

    private record Result(int exit, String output) { }

    private void assertRejectedAndNothingWritten(Map<String, String> env, String expected) throws Exception {
        Result r = configure(env);
        assertEquals(r.output(), 2, r.exit());
        assertTrue("the message names the input: " + r.output(), r.output().contains(expected));
        try (var files = Files.list(home.resolve("etc"))) {
            assertEquals("nothing is written to etc/", 0, files.count());
        }
    }

    @Test(timeout = 60_000)
    public void badInputIsNamedAndNothingIsWritten() throws Exception {
        String pw = "a-long-enough-secret";
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ADMIN_PASSWORD", pw), "KARAF_HA_ROLE is not set");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "primary", "KARAF_HA_ADMIN_PASSWORD", pw),
                "KARAF_HA_ROLE='primary' is not a role");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", pw,
                "KARAF_HA_HTTP_PORT", "80800"), "KARAF_HA_HTTP_PORT='80800' is not a TCP port");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", pw,
                "KARAF_HA_HAZELCAST_MEMBERS", "karaf1:5701,,karaf2"), "has an empty entry");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", pw,
                "KARAF_HA_HAZELCAST_MEMBERS", "karaf1:57o1"), "KARAF_HA_HAZELCAST_MEMBERS entry 'karaf1:57o1'");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "backend"), "KARAF_HA_ADMIN_PASSWORD is not set");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", "short"),
                "KARAF_HA_ADMIN_PASSWORD is shorter than 8 characters");
        assertRejectedAndNothingWritten(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", pw,
                "KARAF_HA_ADMIN_PUBLIC_KEY", "ssh-dss AAAA"), "KARAF_HA_ADMIN_PUBLIC_KEY is not");
    }

    @Test(timeout = 60_000)
    public void goodInputAppliesTheRoleAndTheNodeSettings() throws Exception {
        Result r = configure(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_NODE_NAME", "karaf7",
                "KARAF_HA_HTTP_PORT", "8282", "KARAF_HA_HAZELCAST_MEMBERS", "karaf1, karaf7:5701",
                "KARAF_HA_HAZELCAST_INTERFACE", "10.0.0.*", "KARAF_HA_ADMIN_PASSWORD", "a-long-enough-secret"));
        assertEquals(r.output(), 0, r.exit());
        String props = Files.readString(home.resolve("etc/custom.system.properties"));
        assertTrue(props, props.contains("karaf.name = karaf7\n"));
        assertTrue(props, props.contains("karaf.ha.role = backend\n"));
        assertTrue(props, props.contains("karaf.ha.http.port = 8282\n"));
        assertTrue(props, props.contains("karaf.ha.hazelcast.members = karaf1,karaf7:5701\n"));
        assertTrue(props, props.contains("karaf.ha.hazelcast.interface = 10.0.0.*\n"));
        assertTrue(Files.readString(home.resolve("etc/org.apache.karaf.cellar.node.cfg")).contains("groups = load-balancer, web"));
        String users = Files.readString(home.resolve("etc/users.properties"));
        assertTrue(users.contains("admin = a-long-enough-secret,_g_:admingroup"));
        assertFalse("no default karaf user", users.contains("karaf ="));

        // a restart with other node settings keeps what Cellar owns (the role files) and changes the settings
        Files.writeString(home.resolve("etc/org.apache.karaf.cellar.node.cfg"), "groups = load-balancer, web, extra\n");
        r = configure(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_NODE_NAME", "karaf7", "KARAF_HA_HTTP_PORT", "8383"));
        assertEquals(r.output(), 0, r.exit());
        assertEquals("groups = load-balancer, web, extra\n", Files.readString(home.resolve("etc/org.apache.karaf.cellar.node.cfg")));
        assertTrue(Files.readString(home.resolve("etc/custom.system.properties")).contains("karaf.ha.http.port = 8383\n"));

        // a user and a key an operator added stay across restarts; the admin's password is the one given now
        Files.writeString(home.resolve("etc/users.properties"), "demo = demo-secret,demo\n", StandardOpenOption.APPEND);
        r = configure(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", "another-long-secret",
                "KARAF_HA_ADMIN_PUBLIC_KEY", "ecdsa-sha2-nistp256 AAAAE2Vj admin@host"));
        assertEquals(r.output(), 0, r.exit());
        Files.writeString(home.resolve("etc/keys.properties"), "ops = AAAAB3Nz,_g_:admingroup\n", StandardOpenOption.APPEND);
        r = configure(Map.of("KARAF_HA_ROLE", "backend", "KARAF_HA_ADMIN_PASSWORD", "another-long-secret",
                "KARAF_HA_ADMIN_PUBLIC_KEY", "ecdsa-sha2-nistp256 AAAAE2Vk admin@host"));
        assertEquals(r.output(), 0, r.exit());
        users = Files.readString(home.resolve("etc/users.properties"));
        assertTrue(users, users.contains("demo = demo-secret,demo\n"));
        assertTrue(users, users.contains("admin = another-long-secret,_g_:admingroup\n"));
        assertFalse(users, users.contains("a-long-enough-secret"));
        assertEquals(users, 1, users.split("_g_\\\\:admingroup =", -1).length - 1);
        String keys = Files.readString(home.resolve("etc/keys.properties"));
        assertTrue(keys, keys.contains("ops = AAAAB3Nz,_g_:admingroup\n"));
        assertTrue(keys, keys.contains("admin = AAAAE2Vk,_g_:admingroup\n"));
        assertFalse(keys, keys.contains("AAAAE2Vj"));
    }
}
