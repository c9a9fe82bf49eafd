package io.karafha.features.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.TreeSet;

import org.junit.Test;

public class SyncKeyTest {

    @Test
    public void featureKeysCarryNameAndVersion() {
        String key = SyncKey.feature("ha-cxf-demo", "1.0.0.SNAPSHOT");
        assertEquals("feature:ha-cxf-demo/1.0.0.SNAPSHOT", key);
        assertTrue(SyncKey.isFeature(key));
        assertFalse(SyncKey.isRepository(key));
        assertEquals("ha-cxf-demo", SyncKey.name(key));
        assertEquals("1.0.0.SNAPSHOT", SyncKey.version(key));
        assertEquals("feature:x/0.0.0", SyncKey.feature("x", null));
    }

    @Test
    public void repositoryKeysKeepTheWholeUri() {
        String key = SyncKey.repository("mvn:io.karafha/karaf-ha-features/1.0.0-SNAPSHOT/xml/features");
        assertTrue(SyncKey.isRepository(key));
        assertFalse(SyncKey.isFeature(key));
        assertEquals("mvn:io.karafha/karaf-ha-features/1.0.0-SNAPSHOT/xml/features", SyncKey.uri(key));
    }

    @Test
    public void repositoriesComeBeforeFeatures() {
        TreeSet<String> keys = new TreeSet<>(SyncKey::compare);
        keys.add(SyncKey.feature("a", "1"));
        keys.add(SyncKey.repository("file:/z.xml"));
        keys.add(SyncKey.feature("b", "1"));
        keys.add(SyncKey.repository("file:/a.xml"));
        assertEquals(List.of("repository:file:/a.xml", "repository:file:/z.xml", "feature:a/1", "feature:b/1"), List.copyOf(keys));
    }

    @Test
    public void badNamesAreRefusedNamingThem() {
        try {
            SyncKey.feature("a/b", "1");
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("a/b"));
        }
    }
}
