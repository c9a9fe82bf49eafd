package io.karafha.cxf.internal;

import java.util.regex.Pattern;

import io.karafha.registry.EndpointRegistry;

/** Registry paths: segments of letters, digits, '.', '_', '-', '~' separated by '/', e.g. {@code demo/fo}. */
public final class Paths {

    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*");

    /** The registry space of the CXF endpoints. */
    public static final String SPACE = "cxf";

    private Paths() {
    }

    /** @return the host of this node's cluster address (where other members reach it), or null on a client */
    public static String localHost(EndpointRegistry registry) {
        try {
            String id = registry.localNodeId();
            return id.substring(0, id.lastIndexOf(':'));
        } catch (RuntimeException notAMember) {
            return null;
        }
    }

    /** @throws IllegalArgumentException naming the path and the rule, if it is not a registry path */
    public static String check(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("The registry path is empty: set 'path' (for example demo/fo)");
        }
        if (!PATH.matcher(path).matches() || path.length() > 200) {
            throw new IllegalArgumentException("'" + path + "' is not a registry path: use segments of letters, digits, "
                    + "'.', '_', '-' or '~' separated by single '/' characters, no leading or trailing '/', "
                    + "at most 200 characters (for example demo/fo)");
        }
        return path;
    }
}
