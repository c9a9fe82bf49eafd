package io.karafha.proxy.internal.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** WebSockets through this balancer since it started: opened, open now, and how they ended. */
public final class WebSocketCounters {

    final AtomicLong opened = new AtomicLong();
    final AtomicInteger open = new AtomicInteger();
    final AtomicLong handshakeFailovers = new AtomicLong();
    final AtomicLong backendLost = new AtomicLong();
    final AtomicLong idleClosed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    /** @return tunnels opened (backend answered 101) */
    public long opened() { return opened.get(); }

    /** @return tunnels open now */
    public int open() { return open.get(); }

    /** @return handshakes moved to the next endpoint */
    public long handshakeFailovers() { return handshakeFailovers.get(); }

    /** @return open tunnels closed because their backend closed or broke the connection without a close frame */
    public long backendLost() { return backendLost.get(); }

    /** @return open tunnels closed after websocket.idle.timeout.ms without a byte */
    public long idleClosed() { return idleClosed.get(); }

    /** @return upgrade requests answered 400 (a protocol other than websocket, or not HTTP/1.1) */
    public long refused() { return refused.get(); }

    @Override
    public String toString() {
        return "opened=" + opened() + " open=" + open() + " handshakeFailovers=" + handshakeFailovers()
                + " backendLost=" + backendLost() + " idleClosed=" + idleClosed() + " refused=" + refused();
    }
}
