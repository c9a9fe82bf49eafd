package io.karafha.routes;

import java.util.Map;

import io.karafha.routes.settings.InvalidSettingsException;

/** The role keys of {@code io.karafha.balancer} besides the proxy settings: publish, proxy, advertised.url. */
public final class RoleSwitches {

    private RoleSwitches() {
    }

    /**
     * {@code proxy}: this node runs the balancer's proxy. Absent from the configuration, it follows the
     * node's role ({@code karaf.ha.role = balancer}), so a cfg file that lost the key (a write racing
     * with fileinstall) does not turn the balancer off.
     */
    public static boolean proxy(Map<String, ?> config) {
        return flag(config, "proxy", "balancer".equals(System.getProperty("karaf.ha.role")));
    }

    /** {@code publish}: this node registers its servlets; absent, it follows {@code karaf.ha.role = backend}. */
    public static boolean publish(Map<String, ?> config) {
        return flag(config, "publish", "backend".equals(System.getProperty("karaf.ha.role")));
    }

    public static boolean flag(Map<String, ?> config, String key, boolean fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new InvalidSettingsException(key, s, "true or false");
    }

    /** advertised.url: how the balancer reaches this node, when not http://cluster-address:http-port. */
    public static String advertisedUrl(Map<String, ?> config) {
        Object v = config.get("advertised.url");
        if (v == null || v.toString().isBlank()) {
            return null;
        }
        try {
            return Endpoint.of("check", v.toString().trim(), 0).getUrl().toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException("advertised.url", v.toString(), e.getMessage());
        }
    }
}
