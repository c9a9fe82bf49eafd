package io.karafha.sessions.internal;

import org.eclipse.jetty.server.Authentication;

/**
 * A container login read back from the cluster: Jetty keeps a FORM login in the session as an
 * {@link Authentication.User} (a {@code SessionAuthentication}, user name and password) and, while
 * deserializing it, logs the user in again with this node's login service for the context's realm.
 * When that fails here (the user is unknown on this node, the password differs, no such realm), Jetty
 * keeps an object without identity whose first use throws {@code IllegalStateException("!UserIdentity")}:
 * a 500 for the user. Such a login is left out, so the user meets the login page instead.
 */
final class Logins {

    private Logins() {
    }

    /** @return false if the value is a container login that did not hold on this node */
    static boolean holds(Object value) {
        if (!(value instanceof Authentication.User)) {
            return true;
        }
        try {
            return ((Authentication.User) value).getUserIdentity() != null;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** @return "FORM" or whichever method the login used */
    static String method(Object value) {
        try {
            return ((Authentication.User) value).getAuthMethod();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
