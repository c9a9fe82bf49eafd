package io.karafha.routes.settings;

import java.util.Locale;

/** How a route picks the endpoint a request tries first. */
public enum Policy {

    /** Always the master (first eligible endpoint in local order); the others only on failure. */
    FAILOVER("failover"),

    /** Rotate the first endpoint among the live ones; the others on failure. */
    ROUND_ROBIN("round-robin");

    private final String configValue;

    Policy(String configValue) {
        this.configValue = configValue;
    }

    /** @return the configuration spelling: {@code failover} or {@code round-robin} */
    public String configValue() {
        return configValue;
    }

    /**
     * Parses {@code failover} or {@code round-robin} (case-insensitive, trimmed).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Policy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Policy p : values()) {
            if (p.configValue.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown policy '" + text + "': expected failover or round-robin");
    }
}
