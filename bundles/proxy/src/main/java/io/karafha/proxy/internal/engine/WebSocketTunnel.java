package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's connection after the balancer answered 101: a Jetty {@link Connection} that takes
 * over the client's endpoint (Jetty 9.4's {@code HttpConnection.UPGRADE_CONNECTION_ATTRIBUTE}:
 * 9.4 has no {@code HttpServletRequest.upgrade}) and copies bytes both ways with the backend's
 * socket, frames untouched. Client to backend on Jetty's fill callbacks, backend to client on one
 * thread of its own. Closed when either side closes, after {@code websocket.idle.timeout.ms}
 * without a byte, or when the backend is lost: then the client gets a close frame 1011 (if the
 * backend was not in the middle of a frame) and its socket is closed, so it reconnects through
 * the balancer and lands on a live endpoint.
 */
final class WebSocketTunnel extends AbstractConnection implements Connection.UpgradeTo {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketTunnel.class);
    static final int CLOSE_BACKEND_LOST = 1011;

    private final Socket backend;
    private final byte[] early;
    private final String name;
    private final long idleTimeoutMs;
    private final WebSocketCounters counters;
    private final FrameBoundary frames = new FrameBoundary();
    private final ByteBuffer buffer = BufferUtil.allocate(Attempt.BUFFER_SIZE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean clientGone;

    /**
     * @param early bytes the backend sent right after its 101 head, for the client
     * @param name  route and node, for log lines and the thread name
     */
    WebSocketTunnel(EndPoint client, Executor executor, Socket backend, byte[] early, String name, long idleTimeoutMs,
                    WebSocketCounters counters) {
        super(client, executor);
        this.backend = backend;
        this.early = early;
        this.name = name;
        this.idleTimeoutMs = idleTimeoutMs;
        this.counters = counters;
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            toBackend(prefilled);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(idleTimeoutMs);
        counters.opened.incrementAndGet();
        counters.open.incrementAndGet();
        Thread pump = new Thread(this::backendToClient, "karaf-ha-websocket " + name);
        pump.setDaemon(true);
        pump.start();
        fillInterested();
    }

    /** Client to backend: whatever the client sent, as it came. */
    @Override
    public void onFillable() {
        try {
            while (true) {
                BufferUtil.clear(buffer);
                int n = getEndPoint().fill(buffer);
                if (n > 0) {
                    if (!toBackend(buffer)) {
                        return;
                    }
                } else if (n == 0) {
                    fillInterested();
                    return;
                } else {
                    clientClosed("client closed the connection");
                    return;
                }
            }
        } catch (IOException e) {
            clientClosed("client connection failed: " + e);
        }
    }

    private boolean toBackend(ByteBuffer bytes) {
        try {
            OutputStream out = backend.getOutputStream();
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
            bytes.position(bytes.limit());
            return true;
        } catch (IOException e) {
            // the backend side broke: its pump thread sees it too and closes the client
            WebSocketHandshake.closeQuietly(backend);
            return false;
        }
    }

    /** Backend to client, on the tunnel's own thread, until either side ends. */
    private void backendToClient() {
        String end = "backend closed the connection";
        try {
            if (early.length > 0) {
                toClient(early, early.length);
            }
            InputStream in = backend.getInputStream();
            byte[] chunk = new byte[Attempt.BUFFER_SIZE];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                toClient(chunk, n);
            }
        } catch (IOException | RuntimeException e) {
            end = "backend connection failed: " + e.getMessage();
        } catch (TimeoutException e) {
            clientClosed("the client took no data for " + idleTimeoutMs + " ms");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            clientClosed("writing to the client failed: " + e.getCause());
            return;
        }
        backendEnded(end);
    }

    private void toClient(byte[] bytes, int length) throws java.util.concurrent.ExecutionException, InterruptedException,
            TimeoutException {
        frames.consume(bytes, 0, length);
        FutureCallback written = new FutureCallback();
        getEndPoint().write(written, ByteBuffer.wrap(bytes, 0, length));
        written.get(idleTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The backend's side ended first: lost (no close frame from it) or a normal close. */
    private void backendEnded(String why) {
        if (clientGone || !closed.compareAndSet(false, true)) {
            return;
        }
        boolean lost = !frames.closeSeen();
        if (lost) {
            counters.backendLost.incrementAndGet();
            LOG.info("WebSocket {} closed: {} without a close frame; the client gets close code {}", name, why,
                    frames.atBoundary() ? String.valueOf(CLOSE_BACKEND_LOST) : "none (mid-frame), only the socket closed");
            if (frames.atBoundary()) {
                try {
                    FutureCallback written = new FutureCallback();
                    getEndPoint().write(written, ByteBuffer.wrap(FrameBoundary.closeFrame(CLOSE_BACKEND_LOST, "backend lost")));
                    written.get(1, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.debug("WebSocket {}: close frame not written: {}", name, e.toString());
                }
            }
        } else {
            LOG.debug("WebSocket {} closed by the backend", name);
        }
        getEndPoint().close();
    }

    private void clientClosed(String why) {
        clientGone = true;
        LOG.debug("WebSocket {}: {}", name, why);
        WebSocketHandshake.closeQuietly(backend);
        getEndPoint().close();
    }

    @Override
    protected boolean onReadTimeout(Throwable timeout) {
        counters.idleClosed.incrementAndGet();
        LOG.info("WebSocket {} closed: no byte either way for {} ms (websocket.idle.timeout.ms)", name, idleTimeoutMs);
        clientGone = true;
        WebSocketHandshake.closeQuietly(backend);
        return true;
    }

    @Override
    public void onClose() {
        clientGone = clientGone || !closed.get();
        closed.set(true);
        WebSocketHandshake.closeQuietly(backend);
        counters.open.decrementAndGet();
        super.onClose();
    }
}
