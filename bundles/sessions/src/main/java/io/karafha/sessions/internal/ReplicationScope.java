package io.karafha.sessions.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.session.SessionHandler;

/** Which web contexts replicate their sessions: all but the listed context paths. */
public final class ReplicationScope {

    private final Set<String> excluded;

    private ReplicationScope(Set<String> excluded) {
        this.excluded = excluded;
    }

    /**
     * @param excludedContexts comma-separated context paths, e.g. {@code /console, /local}; blank = none
     * @throws IllegalArgumentException naming an entry that does not start with '/'
     */
    public static ReplicationScope parse(String excludedContexts) {
        Set<String> paths = Arrays.stream(excludedContexts == null ? new String[0] : excludedContexts.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(ReplicationScope::normalise)
                .collect(Collectors.toUnmodifiableSet());
        return new ReplicationScope(paths);
    }

    private static String normalise(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("excluded.contexts: '" + path
                    + "' is not a context path; expected e.g. /console (comma-separated, '/' is the root context)");
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** @return the context path of a session handler as users know it; the root context is "/" */
    public static String pathOf(SessionHandler handler) {
        // the handler is starting: Jetty has made its web context the current one
        ContextHandler.Context context = ContextHandler.getCurrentContext();
        String path = context == null ? null : context.getContextPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    public boolean replicated(String contextPath) {
        return !excluded.contains(contextPath);
    }

    @Override
    public String toString() {
        return excluded.isEmpty() ? "every web context" : "every web context but " + String.join(", ", excluded);
    }
}
