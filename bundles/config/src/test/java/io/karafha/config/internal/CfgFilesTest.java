package io.karafha.config.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CfgFilesTest {

    @Rule
    public TemporaryFolder etc = new TemporaryFolder();

    @Test
    public void writesTheWholeFileKeepingCommentsAndLeavesNoFileBeside() throws Exception {
        Path file = etc.getRoot().toPath().resolve("acc.rapid.cfg");
        Files.writeString(file, "# kept\nk1 = v1\nk2 = v2\n");
        CfgFiles.write(file, Map.of("k1", "v1", "k3", "v3"));
        String text = Files.readString(file);
        assertTrue(text, text.startsWith("# kept"));
        assertEquals(Map.of("k1", "v1", "k3", "v3"), Map.copyOf(CfgFiles.load(file)));
        try (Stream<Path> files = Files.list(etc.getRoot().toPath())) {
            List<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertEquals(List.of("acc.rapid.cfg"), names);
        }
    }

    @Test
    public void writeBackFromConfigAdminLeavesNodeLocalKeysOutAndComparesByText() throws Exception {
        Path file = etc.getRoot().toPath().resolve("acc.admin.cfg");
        Files.writeString(file, "a1 = v1\na2 = v2\n");
        Dictionary<String, Object> dict = new Hashtable<>();
        dict.put("service.pid", "acc.admin");
        dict.put(LocalConfigs.FILENAME, file.toUri().toString());
        dict.put("a1", "v1");
        dict.put("a3", "v3");
        assertFalse(CfgFiles.sameAs(file, dict));
        CfgFiles.writeFrom(file, dict);
        assertEquals(Map.of("a1", "v1", "a3", "v3"), Map.copyOf(CfgFiles.load(file)));
        assertTrue(CfgFiles.sameAs(file, dict));
    }
}
