package io.karafha.node.internal;

import java.security.Principal;

import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks credentials with a JAAS login to Karaf's {@code karaf} realm (etc/users.properties), the
 * realm of the SSH console and the web console, and wants the {@code admin} role.
 */
final class KarafRealmCredentials implements HealthDetailAccess.Credentials {

    static final String REALM = "karaf";
    static final String ROLE = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(KarafRealmCredentials.class);

    @Override
    public boolean isAdmin(String user, String password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Karaf's JAAS proxy login module is on the system class path (lib/boot)
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            LoginContext login = new LoginContext(REALM, subject, callbacks -> {
                for (var callback : callbacks) {
                    if (callback instanceof NameCallback) {
                        ((NameCallback) callback).setName(user);
                    } else if (callback instanceof PasswordCallback) {
                        ((PasswordCallback) callback).setPassword(password.toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            login.login();
            try {
                return hasAdminRole(subject);
            } finally {
                login.logout();
            }
        } catch (LoginException e) {
            LOG.debug("health detail: login of {} to the {} realm failed: {}", user, REALM, e.getMessage());
            return false;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Karaf's RolePrincipal, by name: no compile-time tie to the Karaf JAAS boot classes. */
    static boolean hasAdminRole(Subject subject) {
        for (Principal p : subject.getPrincipals()) {
            if (p.getClass().getSimpleName().equals("RolePrincipal") && ROLE.equals(p.getName())) {
                return true;
            }
        }
        return false;
    }
}
