package io.karafha.features.internal;

import org.apache.karaf.cellar.core.event.Event;

/**
 * "The entry {@code id} ({@link SyncKey}) of the group has a new version in the cluster map." The
 * state itself travels in the map, the event only says which and which version, so a late event
 * never carries a stale state.
 */
public class FeatureSyncEvent extends Event {

    private static final long serialVersionUID = 1L;

    private final long version;

    public FeatureSyncEvent(String key, long version) {
        super(key);
        this.version = version;
    }

    public long getVersion() {
        return version;
    }

    @Override
    public String toString() {
        return "FeatureSyncEvent[" + id + " v" + version + " from " + (sourceNode == null ? "?" : sourceNode.getId())
                + " in " + (sourceGroup == null ? "?" : sourceGroup.getName()) + "]";
    }
}
