package io.karafha.routes.settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values from a configuration map whose values may be String, Integer, Long,
 * Boolean or String[]; every rejection is an {@link InvalidSettingsException} naming the key.
 */
final class SettingsReader {

    private final Map<String, ?> map;

    SettingsReader(Map<String, ?> map) {
        this.map = map == null ? Map.of() : map;
    }

    /** @return the trimmed scalar text of {@code key}, or {@code def} if absent */
    String text(String key, String def) {
        Object v = map.get(key);
        if (v instanceof String[] arr) {
            if (arr.length > 1) {
                throw new InvalidSettingsException(key, Arrays.toString(arr), "a single value");
            }
            v = arr.length == 0 ? null : arr[0];
        }
        if (v == null) {
            return def;
        }
        if (v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Boolean) {
            return v.toString().trim();
        }
        throw new InvalidSettingsException(key, String.valueOf(v),
                "a String, Integer, Long, Boolean or String[] (got " + v.getClass().getName() + ")");
    }

    /** @return the integer value of {@code key} within [min, max], or {@code def} if absent */
    long number(String key, long def, long min, long max) {
        String t = text(key, null);
        if (t == null) {
            return def;
        }
        String expected = "an integer from " + min + " to " + max;
        try {
            long n = Long.parseLong(t);
            if (n < min || n > max) {
                throw new InvalidSettingsException(key, t, expected);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSettingsException(key, t, expected);
        }
    }

    /** @return the boolean value of {@code key} ("true"/"false", any case), or {@code def} */
    boolean bool(String key, boolean def) {
        String t = text(key, null);
        if (t == null) {
            return def;
        }
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new InvalidSettingsException(key, t, "true or false");
    }

    /**
     * Splits the value of {@code key} (or {@code def}) on {@code separator}; a String[] value is
     * joined with it first. Entries are trimmed; a blank value gives an empty list; an empty entry
     * (e.g. {@code a;;b} or a trailing separator) is rejected.
     */
    List<String> list(String key, String def, String separator) {
        Object v = map.get(key);
        String t = v instanceof String[] arr ? String.join(separator, arr) : text(key, def);
        if (t == null || t.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : t.split(java.util.regex.Pattern.quote(separator), -1)) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                throw new InvalidSettingsException(key, t, "no empty entries between '" + separator + "'");
            }
            out.add(entry);
        }
        return out;
    }
}
