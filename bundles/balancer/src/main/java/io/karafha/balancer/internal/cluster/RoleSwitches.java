package io.karafha.balancer.internal.cluster;

import java.util.Map;

import io.karafha.balancer.Endpoint;
import io.karafha.balancer.internal.InvalidSettingsException;

/** The role keys of {@code io.karafha.balancer} besides the proxy settings: publish, proxy, advertised.url. */
public final class RoleSwitches {

    private RoleSwitches() {
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
