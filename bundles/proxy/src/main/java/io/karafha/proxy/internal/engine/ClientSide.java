package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The client's half of one forwarded request: the servlet request in async mode (Servlet 3.1),
 * so no thread waits while a backend works, and its one ending. When the container does not
 * support async for this request (a filter in front without async support), the servlet thread
 * waits in {@link #awaitIfBlocking()} instead, as before.
 * <p>
 * The end ({@link #complete()} or {@link #abort}) happens once. The servlet request is let go
 * only when no backend request still uses it (HttpClient may still be reading the client body),
 * at most {@value #RELEASE_WAIT_MS} ms after the end.
 */
final class ClientSide {

    /** For measurements only (bench/tune.sh): {@code -Dkarafha.proxy.blocking=true} makes every request wait on its thread. */
    static final boolean BLOCKING = Boolean.getBoolean("karafha.proxy.blocking");

    /** How long the end waits for backend requests that still read the client body. */
    static final long RELEASE_WAIT_MS = 1000;

    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final AsyncContext async;
    private final CountDownLatch released = new CountDownLatch(1);
    private Runnable onEnd = () -> { };
    private Scheduler scheduler;
    private int open;
    private boolean ended;
    private boolean let;
    private Throwable abort;
    private ResponseWriter writer;
    /** The release at the latest {@value #RELEASE_WAIT_MS} ms after the end; cancelled by the release itself. */
    private Scheduler.Task releaseTask;

    private ClientSide(HttpServletRequest req, HttpServletResponse resp, AsyncContext async) {
        this.req = req;
        this.resp = resp;
        this.async = async;
    }

    /** Puts the request in async mode when it supports it. */
    static ClientSide start(HttpServletRequest req, HttpServletResponse resp) {
        AsyncContext async = null;
        if (req.isAsyncSupported() && !BLOCKING) {
            async = req.startAsync(req, resp);
            async.setTimeout(0); // the engine's own timeouts end every exchange
        }
        return new ClientSide(req, resp, async);
    }

    /** @param onEnd run once at the end, before the client is let go; @param scheduler for the release wait */
    synchronized void onEnd(Runnable onEnd, Scheduler scheduler) {
        this.onEnd = onEnd;
        this.scheduler = scheduler;
    }

    /** A backend request that may read the client body was sent. */
    synchronized void opened() {
        open++;
    }

    /** A backend request has completed on both sides. */
    void closed() {
        boolean release;
        synchronized (this) {
            open--;
            release = ended && open == 0;
        }
        if (release) {
            release();
        }
    }

    /** The answer is complete. */
    void complete() {
        end(null);
    }

    /** The answer broke off after it was committed: the client connection is aborted, not ended normally. */
    void abort(Throwable cause) {
        end(cause);
    }

    /** @return true once {@link #complete()} or {@link #abort} was called */
    synchronized boolean ended() {
        return ended;
    }

    /** @return the writer for a backend response body, created on first use */
    ResponseWriter writer(boolean flushEach, Consumer<Throwable> clientGone) throws IOException {
        synchronized (this) {
            if (writer == null) {
                writer = new ResponseWriter(resp.getOutputStream(), async != null, flushEach, clientGone);
            }
            return writer;
        }
    }

    private void end(Throwable cause) {
        boolean release;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            abort = cause;
            release = open == 0;
        }
        try {
            onEnd.run();
        } finally {
            if (release) {
                release();
            } else {
                later();
            }
        }
    }

    private void later() {
        Scheduler.Task task;
        try {
            task = scheduler.schedule(this::release, RELEASE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | NullPointerException e) {
            release();
            return;
        }
        synchronized (this) {
            if (!let) {
                releaseTask = task; // the release cancels it: a pending task would hold this exchange for a second
                return;
            }
        }
        task.cancel();
    }

    private void release() {
        Throwable cause;
        Scheduler.Task task;
        synchronized (this) {
            if (let) {
                return;
            }
            let = true;
            cause = abort;
            task = releaseTask;
            releaseTask = null;
        }
        if (task != null) {
            task.cancel();
        }
        try {
            if (cause != null && async != null) {
                abortConnection(cause); // blocking: awaitIfBlocking() throws it to the container
            }
            if (async != null) {
                try {
                    async.complete();
                } catch (IllegalStateException alreadyEnded) {
                    // the container ended it (client gone, connection aborted)
                }
            }
        } finally {
            released.countDown();
        }
    }

    private void abortConnection(Throwable cause) {
        Request base = Request.getBaseRequest(req);
        HttpChannel channel = base == null ? null : base.getHttpChannel();
        if (channel != null) {
            channel.abort(cause);
            return;
        }
        try {
            resp.sendError(-1); // Jetty: abort the connection
        } catch (IOException | RuntimeException ignored) {
            // nothing more to do
        }
    }

    /**
     * Without async support, the servlet thread waits here until the answer has been written.
     *
     * @throws IOException so that the container aborts the client connection, if the answer broke off
     */
    void awaitIfBlocking() throws IOException {
        if (async != null) {
            return;
        }
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while proxying");
        }
        Throwable cause;
        synchronized (this) {
            cause = abort;
        }
        if (cause != null) {
            throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        }
    }
}
