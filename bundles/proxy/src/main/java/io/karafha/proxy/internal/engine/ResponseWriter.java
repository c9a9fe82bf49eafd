package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
    /**
     * One thread at a time runs {@link #step()} (no monitor is held while writing: the thread that
     * finds it taken leaves a wake-up in {@link #again} instead of waiting). The flag's set and
     * compare-and-set also publish the fields below from one runner to the next.
     */
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean again;
    private State state = State.IDLE;
    private byte[] bytes;
    private int offset;
    private int length;
    /** The chunk's callback; taken once, by its success or by a failure. */
    private final AtomicReference<Callback> callback = new AtomicReference<>();

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
        if (!callback.compareAndSet(null, done)) {
            throw new IllegalStateException("a chunk is still being written");
        }
        bytes = b;
        offset = off;
        length = len;
        pending = true;
        onWritePossible();
    }

    /** Set by {@link #write} before it wakes the runner: a chunk waits to be started. */
    private volatile boolean pending;

    @Override
    public void onWritePossible() {
        again = true;
        while (again && running.compareAndSet(false, true)) {
            again = false;
            Callback done = null;
            Throwable failure = null;
            try {
                if (pending) {
                    pending = false;
                    state = State.WRITE;
                }
                if (step()) {
                    bytes = null;
                    state = State.IDLE;
                    done = callback.getAndSet(null);
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                running.set(false);
            }
            if (failure != null) {
                fail(failure);
                return;
            }
            if (done != null) {
                done.succeeded(); // may call write() for the next chunk: it runs the loop itself
                return;
            }
        }
    }

    /** @return true when the chunk is written and flushed; false while the container still works on it, or nothing is to be written */
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
        Callback done = callback.getAndSet(null);
        clientGone.accept(t); // first: the backend response the failed callback aborts is no longer relayed
        if (done != null) {
            done.failed(t);
        }
    }
}
