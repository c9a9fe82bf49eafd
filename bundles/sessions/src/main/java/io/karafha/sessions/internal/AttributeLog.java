package io.karafha.sessions.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a session attribute that was left out of the replicated copy: at WARN the first time for an
 * attribute name of an application, then at DEBUG, so a busy page does not flood the log.
 */
public final class AttributeLog implements SessionCodec.AttributeProblems {

    private static final Logger LOG = LoggerFactory.getLogger(AttributeLog.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    @Override
    public void notWritten(String context, String sessionId, String attribute, Object value, Exception cause) {
        String application = application(value);
        String text = "Session attribute '{}' of application {} (web context {}, session {}) is not replicated: "
                + "it cannot be serialized ({}); it is lost when the session moves to another node. "
                + "Store Serializable values only";
        Object[] args = {attribute, application, context, SessionIds.abbreviate(sessionId), cause.toString()};
        if (warned.add("w " + context + " " + attribute)) {
            LOG.warn(text, args);
        } else {
            LOG.debug(text, args);
        }
    }

    @Override
    public void notRead(String context, String sessionId, String attribute, Exception cause) {
        String text = "Session attribute '{}' of web context {} (session {}) could not be read on this node ({}); "
                + "the session goes on without it";
        Object[] args = {attribute, context, SessionIds.abbreviate(sessionId), cause.toString()};
        if (warned.add("r " + context + " " + attribute)) {
            LOG.warn(text, args);
        } else {
            LOG.debug(text, args);
        }
    }

    @Override
    public void loginNotRestored(String context, String sessionId, String attribute, String method) {
        LOG.info("The {} login of session {} (web context {}) does not hold on this node: the realm here did not accept "
                + "the user's name and password again (user unknown or password different on this node?); "
                + "the user is asked to log in again", method, SessionIds.abbreviate(sessionId), context);
    }

    /** @return "bundle <symbolic name> (class <value class>)" when the value's class comes from a bundle */
    static String application(Object value) {
        if (value == null) {
            return "unknown";
        }
        Class<?> type = value.getClass();
        Bundle bundle = null;
        try {
            bundle = FrameworkUtil.getBundle(type);
        } catch (RuntimeException | LinkageError e) {
            // outside OSGi (unit tests)
        }
        String name = bundle == null ? "" : "bundle " + bundle.getSymbolicName() + " ";
        return name + "(value class " + type.getName() + ")";
    }
}
