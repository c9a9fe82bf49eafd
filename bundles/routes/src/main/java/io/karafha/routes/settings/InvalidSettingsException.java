package io.karafha.routes.settings;

/**
 * A balancer setting has a value that cannot be used. The message names the key, the bad value
 * in quotes and what is expected.
 */
public class InvalidSettingsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;

    /**
     * @param key      the configuration key, e.g. {@code connect.timeout.ms}
     * @param value    the offending value (or the offending entry of a list value) as text
     * @param expected what would have been accepted, e.g. "an integer from 1 to 600000"
     */
    public InvalidSettingsException(String key, String value, String expected) {
        super("Invalid value '" + value + "' for balancer setting '" + key + "': expected " + expected);
        this.key = key;
        this.value = value;
    }

    /** @return the configuration key whose value was rejected */
    public String key() {
        return key;
    }

    /** @return the rejected value (or list entry) as text */
    public String value() {
        return value;
    }
}
