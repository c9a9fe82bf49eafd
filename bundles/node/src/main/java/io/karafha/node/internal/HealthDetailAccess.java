package io.karafha.node.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.servlet.http.HttpServletRequest;

/**
 * Who may read the detail of {@code /karaf-ha/health} (the members' addresses, groups, routes): a
 * caller on this host (loopback address, not relayed by a proxy: the Docker health check,
 * {@code bin/karaf-ha-node health}, {@code ./karaf-ha}) or a console user, i.e. a request carrying HTTP
 * Basic credentials of an admin of the Karaf realm. Everyone else learns only ready / not ready.
 */
final class HealthDetailAccess {

    /** Checks a user name and password against the Karaf realm. */
    interface Credentials {
        /** @return true when the user exists, the password is right and the user has the admin role */
        boolean isAdmin(String user, String password);
    }

    private final Credentials credentials;

    HealthDetailAccess(Credentials credentials) {
        this.credentials = credentials;
    }

    boolean mayReadDetail(HttpServletRequest req) {
        return isLocal(req) || isAdmin(req.getHeader("Authorization"));
    }

    /** A loopback peer whose request no proxy relayed (a proxy on this host would look local). */
    static boolean isLocal(HttpServletRequest req) {
        if (req.getHeader("X-Forwarded-For") != null || req.getHeader("Forwarded") != null) {
            return false;
        }
        String address = req.getRemoteAddr();
        // only address literals (IPv4 dotted, IPv6 with ':'): a name would mean a lookup
        if (address == null || !(address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || address.contains(":"))) {
            return false;
        }
        try {
            // an address literal: no name lookup happens
            return InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean isAdmin(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        return credentials.isAdmin(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
