package io.karafha.features.internal;

import static io.karafha.features.internal.SyncState.Action.APPLY;
import static io.karafha.features.internal.SyncState.Action.NONE;
import static io.karafha.features.internal.SyncState.Action.PUSH;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.Test;

public class SyncStateTest {

    private static final java.util.Map<String, Object> INSTALLED = FeatureEntries.entry(3, "karaf1", true);
    private static final java.util.Map<String, Object> UNINSTALLED = FeatureEntries.entry(4, "karaf1", false);

    @Test
    public void aNodeJoiningForTheFirstTimeTakesTheClusterState() {
        assertEquals(APPLY, SyncState.onJoin(false, null, INSTALLED));
        assertEquals(APPLY, SyncState.onJoin(true, null, UNINSTALLED));
        assertEquals(NONE, SyncState.onJoin(true, null, INSTALLED));
        assertEquals(NONE, SyncState.onJoin(false, null, UNINSTALLED));
    }

    @Test
    public void whatOnlyThisNodeHasIsPushedOnJoin() {
        assertEquals(PUSH, SyncState.onJoin(true, null, null));
        assertEquals(NONE, SyncState.onJoin(false, null, null));
    }

    @Test
    public void aChangeMadeHereWhileTheSyncWasAwayWinsOverTheClusterOnJoin() {
        // installed here while the synchroniser was stopped or refreshed: the cluster's older tombstone must not undo it
        assertEquals(PUSH, SyncState.onJoin(true, false, UNINSTALLED));
        assertEquals(PUSH, SyncState.onJoin(false, true, INSTALLED));
    }

    @Test
    public void aChangeMadeInTheClusterMeanwhileIsAppliedOnJoin() {
        assertEquals(APPLY, SyncState.onJoin(false, false, INSTALLED));
        assertEquals(APPLY, SyncState.onJoin(true, true, UNINSTALLED));
        assertEquals(NONE, SyncState.onJoin(true, true, INSTALLED));
    }

    @Test
    public void localEventsPushOnlyRealChanges() {
        assertEquals(PUSH, SyncState.onLocal(true, null));
        assertEquals(NONE, SyncState.onLocal(false, null)); // a dependency removed, never agreed on
        assertEquals(NONE, SyncState.onLocal(true, true));  // the echo of an applied install
        assertEquals(NONE, SyncState.onLocal(false, false)); // the echo of an applied uninstall
        assertEquals(PUSH, SyncState.onLocal(false, true)); // uninstalled here
        assertEquals(PUSH, SyncState.onLocal(true, false)); // installed again here
    }

    @Test
    public void theAgreedStateSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("feature-sync");
        Path file = dir.resolve("data").resolve(FeatureSync.STATE_FILE);
        SyncState s = new SyncState(file);
        s.remember("web", "feature:ha-demo/1.0.0", true, 5);
        s.remember("web", "repository:mvn:a/b/1/xml/features", false, 2);
        s.remember("web", "feature:ha-demo/1.0.0", true, 3); // an older version never lowers the applied one
        s.save();

        SyncState t = new SyncState(file);
        t.load();
        assertEquals(Boolean.TRUE, t.known("web", "feature:ha-demo/1.0.0"));
        assertEquals(5, t.applied("web", "feature:ha-demo/1.0.0"));
        assertEquals(Boolean.FALSE, t.known("web", "repository:mvn:a/b/1/xml/features"));
        assertNull(t.known("load-balancer", "feature:ha-demo/1.0.0"));
        assertEquals(Set.of("feature:ha-demo/1.0.0", "repository:mvn:a/b/1/xml/features"), t.keys("web"));
        assertEquals(0, t.keys("load-balancer").size());
    }
}
