package io.karafha.config.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class ConfigKeyTest {

    @Test
    public void aSingletonIsKeyedByItsPid() {
        ConfigKey key = ConfigKey.of("io.karafha.demo", null, "file:/opt/karaf/etc/io.karafha.demo.cfg");
        assertFalse(key.isFactory());
        assertEquals("io.karafha.demo", key.toString());
        assertEquals("io.karafha.demo.cfg", key.fileName());
    }

    @Test
    public void aFactoryConfigurationIsKeyedByItsFileNameNotItsGeneratedPid() {
        // config:edit --factory --alias acc-ds org.ops4j.datasource: generated PID, file etc/<factoryPid>-<alias>.cfg
        ConfigKey onKaraf1 = ConfigKey.of("org.ops4j.datasource.6f2b0c1e-8a3d-4b9e-9a51-0f1c2d3e4f5a", "org.ops4j.datasource",
                "file:/work/karaf1/etc/org.ops4j.datasource-acc-ds.cfg");
        // the same configuration created from the cluster on karaf2 (R7 named factory configuration)
        ConfigKey onKaraf2 = ConfigKey.of("org.ops4j.datasource~acc-ds", "org.ops4j.datasource",
                "file:/work/karaf2/etc/org.ops4j.datasource-acc-ds.cfg");
        assertEquals("org.ops4j.datasource~acc-ds", onKaraf1.toString());
        assertEquals(onKaraf1, onKaraf2);
        assertEquals("org.ops4j.datasource", onKaraf1.basePid());
        assertEquals("acc-ds", onKaraf1.name());
        assertEquals("org.ops4j.datasource-acc-ds.cfg", onKaraf1.fileName());
    }

    @Test
    public void anR7NamedFactoryConfigurationWithoutFileIsKeyedByItsName() {
        assertEquals("org.ops4j.datasource~x", ConfigKey.of("org.ops4j.datasource~x", "org.ops4j.datasource", null).toString());
    }

    @Test
    public void aFactoryConfigurationWithoutStableNameStaysLocal() {
        assertNull(ConfigKey.of("org.ops4j.datasource.1234", "org.ops4j.datasource", null));
        assertNull(ConfigKey.of("org.ops4j.datasource.1234", "org.ops4j.datasource", "file:/etc/other-name.cfg"));
    }

    @Test
    public void parseRoundTrips() {
        assertTrue(ConfigKey.parse("org.ops4j.datasource~acc-ds").isFactory());
        assertEquals("acc-ds", ConfigKey.parse("org.ops4j.datasource~acc-ds").name());
        assertFalse(ConfigKey.parse("io.karafha.demo").isFactory());
        assertFalse(ConfigKey.parse("odd~").isFactory());
    }
}
