package io.karafha.proxy.internal.engine;

import java.util.Collections;
import java.util.Locale;
import javax.servlet.http.HttpServletRequest;

/**
 * What an HTTP/1.1 {@code Upgrade} request asks for (RFC 7230 section 6.7). The balancer tunnels
 * {@code websocket}. An offer of {@code h2c} alone is ignored, as RFC 7540 section 3.2 allows: the
 * request is forwarded as a plain HTTP/1.1 one (Java's HttpClient and {@code curl --http2} add that
 * offer to plain-http requests). Any other protocol (TLS/1.0, a custom one...) gets a 400 naming it
 * instead of a plain answer its client does not expect.
 */
final class UpgradeRequest {

    static final String WEBSOCKET = "websocket";

    private UpgradeRequest() {
    }

    /**
     * @return the lower-case protocol list of the {@code Upgrade} header when {@code Connection}
     *         names {@code upgrade}, else null (not an upgrade request: forwarded as usual)
     */
    static String protocols(HttpServletRequest req) {
        String upgrade = req.getHeader("Upgrade");
        if (upgrade == null || upgrade.isBlank()) {
            return null;
        }
        var connection = req.getHeaders("Connection");
        boolean named = connection != null
                && HopByHopHeaders.connectionTokens(Collections.list(connection)).contains("upgrade");
        return named ? upgrade.trim().toLowerCase(Locale.ROOT) : null;
    }

    /** @return true if {@code protocols} (from {@link #protocols}) offers nothing but h2c: forward as usual */
    static boolean isIgnored(String protocols) {
        for (String p : protocols.split(",")) {
            if (!p.trim().equals("h2c")) {
                return false;
            }
        }
        return true;
    }

    /** @return true if {@code protocols} (from {@link #protocols}) offers WebSocket on a GET */
    static boolean isWebSocket(HttpServletRequest req, String protocols) {
        if (!"GET".equalsIgnoreCase(req.getMethod())) {
            return false;
        }
        for (String p : protocols.split(",")) {
            String name = p.trim();
            int slash = name.indexOf('/');
            if ((slash < 0 ? name : name.substring(0, slash)).equals(WEBSOCKET)) {
                return true;
            }
        }
        return false;
    }
}
