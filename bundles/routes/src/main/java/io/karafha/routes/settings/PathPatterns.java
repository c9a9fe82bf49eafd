package io.karafha.routes.settings;

import java.util.List;

/**
 * A list of request path patterns: {@code *} matches every path, a pattern ending in {@code *}
 * matches by prefix, anything else matches exactly. A pattern ending in {@code /*} also matches
 * the path without the slash ({@code /karaf-ha/*} matches {@code /karaf-ha}).
 */
final class PathPatterns {

    private final List<String> patterns;

    private PathPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Checks each pattern: {@code *}, or starting with {@code /} with {@code *} only at the end.
     *
     * @throws InvalidSettingsException naming {@code key} and the bad pattern
     */
    static PathPatterns parse(String key, List<String> entries) {
        for (String p : entries) {
            int star = p.indexOf('*');
            if (!p.equals("*") && (!p.startsWith("/") || (star >= 0 && star != p.length() - 1))) {
                throw new InvalidSettingsException(key, p,
                        "'*' or a path starting with '/', with '*' only at the end (e.g. /system/console*)");
            }
        }
        return new PathPatterns(entries);
    }

    /** @return true if any pattern matches {@code path} */
    boolean matches(String path) {
        if (path == null) {
            return false;
        }
        for (String p : patterns) {
            if (p.endsWith("*")) {
                String prefix = p.substring(0, p.length() - 1);
                if (path.startsWith(prefix)
                        || (prefix.endsWith("/") && path.equals(prefix.substring(0, prefix.length() - 1)))) {
                    return true;
                }
            } else if (path.equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** @return the patterns in configuration order (unmodifiable) */
    List<String> patterns() {
        return patterns;
    }

    /** @return the patterns joined with commas, as configured */
    @Override
    public String toString() {
        return String.join(",", patterns);
    }
}
