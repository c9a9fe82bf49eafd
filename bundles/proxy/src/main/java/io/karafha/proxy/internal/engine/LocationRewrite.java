package io.karafha.proxy.internal.engine;

import java.net.URI;
import java.util.Locale;
import javax.servlet.http.HttpServletRequest;

import io.karafha.routes.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProxyPassReverse: a {@code Location} (or {@code Content-Location}) answer header that names the
 * backend endpoint's own scheme://host:port is rewritten to the address the client used
 * (its scheme and Host header), so a redirect never sends the client around the balancer.
 * Other values (relative, another host, unparsable) pass unchanged.
 */
final class LocationRewrite {

    private static final Logger LOG = LoggerFactory.getLogger(LocationRewrite.class);

    private LocationRewrite() {
    }

    static boolean isLocation(String header) {
        return header.equalsIgnoreCase("Location") || header.equalsIgnoreCase("Content-Location");
    }

    static String rewrite(String value, Endpoint endpoint, HttpServletRequest req) {
        String host = req.getHeader("Host");
        if (value == null || host == null || host.isBlank()) {
            return value;
        }
        URI backend = endpoint.getUrl();
        URI location;
        try {
            location = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            LOG.debug("Location {} not parsable, passed unchanged: {}", value, e.getMessage());
            return value;
        }
        if (location.getRawAuthority() == null || location.getScheme() == null
                || !location.getScheme().equalsIgnoreCase(backend.getScheme())
                || !sameAuthority(location, backend)) {
            return value;
        }
        String rest = value.trim().substring(location.getScheme().length() + 3 + location.getRawAuthority().length());
        return req.getScheme() + "://" + host.trim() + rest;
    }

    private static boolean sameAuthority(URI a, URI b) {
        return a.getHost() != null && b.getHost() != null
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
