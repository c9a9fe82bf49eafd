package io.karafha.cxf.internal;

import java.util.regex.Pattern;

/** Registry paths: segments of letters, digits, '.', '_', '-', '~' separated by '/', e.g. {@code demo/fo}. */
public final class Paths {

    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*");

    private Paths() {
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
