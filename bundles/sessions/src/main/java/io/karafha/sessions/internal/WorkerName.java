package io.karafha.sessions.internal;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SessionIdManager;
import org.eclipse.jetty.server.session.DefaultSessionIdManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty appends its worker name to every session id ({@code <id>.<worker>}, the jvmRoute convention);
 * the balancer reads it to send a session back to its node. The worker name is this node's
 * {@code karaf.name}, with '.' (which Jetty forbids there) replaced by '_'.
 * <p>
 * Jetty reads the name only while its session id manager is stopped, and Pax Web 8 starts that
 * manager with the server, before any web context; so it is stopped, named and started again here,
 * when the server adds the sessions handler and no context has started yet.
 */
public final class WorkerName {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerName.class);

    private WorkerName() {
    }

    /** @return the worker name for a Karaf name: '.' becomes '_'; null or blank gives null */
    public static String of(String karafName) {
        if (karafName == null || karafName.isBlank()) {
            return null;
        }
        return karafName.trim().replace('.', '_');
    }

    /** Sets the worker name of the server's session id manager; logs and keeps Jetty's if it cannot. */
    public static String apply(Server server, String karafName) {
        SessionIdManager ids = server.getSessionIdManager();
        String wanted = of(karafName);
        if (!(ids instanceof DefaultSessionIdManager) || wanted == null) {
            LOG.warn("Jetty's session ids cannot carry this node's name (karaf.name '{}', id manager {}); "
                    + "the balancer cannot send sessions back to this node", karafName, ids);
            return ids == null ? null : ids.getWorkerName();
        }
        DefaultSessionIdManager manager = (DefaultSessionIdManager) ids;
        if (wanted.equals(manager.getWorkerName())) {
            return wanted;
        }
        try {
            boolean running = manager.isRunning();
            if (running) {
                manager.stop();
            }
            manager.setWorkerName(wanted);
            if (running) {
                manager.start();
            }
        } catch (Exception e) {
            LOG.warn("Could not name Jetty's session ids after this node ('{}'): {}; the balancer cannot send "
                    + "sessions back to this node", wanted, e.toString());
        }
        return manager.getWorkerName();
    }
}
