package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.util.function.Consumer;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;

import org.eclipse.jetty.util.Callback;

/**
 * Writes the chunks of a backend response to the client, one at a time: the backend's content
 * callback is completed once the chunk has been written, so HttpClient reads the next chunk only
 * then (back-pressure without a parked thread). In an async request this is a Servlet 3.1
 * {@link WriteListener}: a write the client cannot take at once ends with {@code isReady() == false}
 * and the container calls {@link #onWritePossible} when it can. Without async support it writes
 * blocking. Streamed answers (no Content-Length, e.g. server-sent events) are flushed chunk by chunk.
 */
final class ResponseWriter implements WriteListener {

    private enum State { IDLE, WRITE, FLUSH, PENDING }

    private final ServletOutputStream out;
    private final boolean async;
    private final boolean flushEach;
    private final Consumer<Throwable> clientGone;
    private State state = State.IDLE;
    private byte[] bytes;
    private int offset;
    private int length;
    private Callback callback;

    /**
     * @param async      true to register as the output's {@link WriteListener} (the request is in async mode)
     * @param clientGone called once if writing to the client fails
     */
    ResponseWriter(ServletOutputStream out, boolean async, boolean flushEach, Consumer<Throwable> clientGone) {
        this.out = out;
        this.async = async;
        this.flushEach = flushEach;
        this.clientGone = clientGone;
        if (async) {
            out.setWriteListener(this);
        }
    }

    /** Writes {@code length} bytes of {@code b}; {@code done} succeeds once they are written (the array is not kept after that). */
    void write(byte[] b, int off, int len, Callback done) {
        if (!async) {
            try {
                out.write(b, off, len);
                if (flushEach) {
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                clientGone.accept(e);
                done.failed(e);
                return;
            }
            done.succeeded();
            return;
        }
        synchronized (this) {
            if (state != State.IDLE) {
                throw new IllegalStateException("a chunk is still being written");
            }
            bytes = b;
            offset = off;
            length = len;
            callback = done;
            state = State.WRITE;
        }
        onWritePossible();
    }

    @Override
    public void onWritePossible() {
        Callback done;
        Throwable failure = null;
        synchronized (this) {
            try {
                if (!step()) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            done = failure == null ? release() : null;
        }
        if (failure != null) {
            fail(failure);
        } else {
            done.succeeded();
        }
    }

    /** @return true when the chunk is written and flushed; false while the container still works on it */
    private boolean step() throws IOException {
        if (state == State.WRITE) {
            state = flushEach ? State.FLUSH : State.PENDING;
            out.write(bytes, offset, length);
            if (!out.isReady()) {
                return false; // the container calls again once written
            }
        }
        if (state == State.FLUSH) {
            state = State.PENDING;
            out.flush();
            if (!out.isReady()) {
                return false;
            }
        }
        return state == State.PENDING; // IDLE: the container's first call after setWriteListener
    }

    @Override
    public void onError(Throwable t) {
        fail(t);
    }

    private void fail(Throwable t) {
        Callback done;
        synchronized (this) {
            done = state == State.IDLE ? null : release();
        }
        clientGone.accept(t); // first: the backend response the failed callback aborts is no longer relayed
        if (done != null) {
            done.failed(t);
        }
    }

    private Callback release() {
        Callback done = callback;
        bytes = null;
        callback = null;
        state = State.IDLE;
        return done;
    }
}
