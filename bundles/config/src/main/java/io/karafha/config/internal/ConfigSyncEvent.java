package io.karafha.config.internal;

import org.apache.karaf.cellar.core.event.Event;

/**
 * "The configuration {@code id} of the group has a new version in the cluster map." The entry itself
 * travels in the map, the event only says which and which version, so a late event never carries
 * stale properties.
 */
public class ConfigSyncEvent extends Event {

    private static final long serialVersionUID = 1L;

    private final long version;

    public ConfigSyncEvent(String pid, long version) {
        super(pid);
        this.version = version;
    }

    public long getVersion() {
        return version;
    }

    @Override
    public String toString() {
        return "ConfigSyncEvent[" + id + " v" + version + " from " + (sourceNode == null ? "?" : sourceNode.getId())
                + " in " + (sourceGroup == null ? "?" : sourceGroup.getName()) + "]";
    }
}
