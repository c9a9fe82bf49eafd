package io.karafha.routes;

import org.apache.karaf.cellar.core.event.Event;

/**
 * "The endpoints of route {@code id} (a path) changed in the group's registry." The registry map
 * holds the endpoints; the event only names the path, so a late event never carries stale ones.
 */
public class RouteEvent extends Event {

    private static final long serialVersionUID = 1L;

    public RouteEvent(String path) {
        super(path);
    }

    @Override
    public String toString() {
        return "RouteEvent[" + id + " from " + (sourceNode == null ? "?" : sourceNode.getId()) + " in "
                + (sourceGroup == null ? "?" : sourceGroup.getName()) + "]";
    }
}
