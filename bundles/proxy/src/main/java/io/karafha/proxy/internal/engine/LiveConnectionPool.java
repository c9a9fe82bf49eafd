package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpDestination;
import org.eclipse.jetty.client.api.Connection;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's keep-alive pool with one check before a pooled connection is handed out: has the
 * backend closed it already? A backend that was killed (or closed an idle connection) leaves
 * an end-of-stream in the socket; HttpClient's selector notices it only when it gets to it, and
 * under load a request could be written to such a connection first. That request fails with an
 * EOF after it was sent, and a POST must then not be replayed: the client would get a 502 for a
 * request no backend ever saw. Checked here, the dead connection is dropped and the request goes
 * on a fresh connection (refused at once if the backend is gone, which is a safe failover for
 * every method).
 * <p>
 * The check is one non-blocking read of at most one byte. An idle HTTP/1.1 connection has
 * nothing to read, so any byte (a late or unsolicited answer) also makes it unusable. The race
 * left is a close that arrives between this check and the write, which no proxy can rule out.
 */
final class LiveConnectionPool extends DuplexConnectionPool {

    private static final Logger LOG = LoggerFactory.getLogger(LiveConnectionPool.class);

    LiveConnectionPool(HttpDestination destination, int maxConnections) {
        super(destination, maxConnections, destination);
    }

    @Override
    protected Connection activate() {
        while (true) {
            Connection connection = super.activate();
            if (connection == null || isUsable(connection)) {
                return connection;
            }
            LOG.debug("Dropped a pooled connection the backend had closed: {}", connection);
            if (remove(connection)) {
                connection.close();
            }
        }
    }

    /** @return false if the connection's backend side has closed or sent bytes nobody asked for */
    static boolean isUsable(Connection connection) {
        return !(connection instanceof AbstractConnection) || isUsable(((AbstractConnection) connection).getEndPoint());
    }

    /** @return false if the end point is closed, its input ended, or it has a byte to read */
    static boolean isUsable(EndPoint endPoint) {
        if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
            return false;
        }
        ByteBuffer probe = BufferUtil.allocate(1);
        try {
            return endPoint.fill(probe) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The factory for {@code HttpClientTransport.setConnectionPoolFactory}. */
    static Factory factory(int maxConnections) {
        return destination -> new LiveConnectionPool(destination, maxConnections);
    }
}
