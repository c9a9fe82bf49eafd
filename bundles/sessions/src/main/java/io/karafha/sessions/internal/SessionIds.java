package io.karafha.sessions.internal;

/** Session ids are credentials: log lines show only their start. */
public final class SessionIds {

    private static final int SHOWN = 8;

    private SessionIds() {
    }

    /** @return the first characters of the id and "...", e.g. {@code karaf1x3...} */
    public static String abbreviate(String id) {
        if (id == null) {
            return "null";
        }
        return id.length() <= SHOWN ? id : id.substring(0, SHOWN) + "...";
    }
}
