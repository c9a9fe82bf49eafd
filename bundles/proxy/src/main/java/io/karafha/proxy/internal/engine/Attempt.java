package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.servlet.http.HttpServletRequest;

import io.karafha.routes.Endpoint;
import io.karafha.routes.RouteHeaders;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.api.Result;
import org.eclipse.jetty.client.util.InputStreamContentProvider;
import org.eclipse.jetty.util.Callback;

/**
 * One try of a client request against one endpoint: a single-use Jetty {@link Request} with its
 * own content provider over the shared {@link RequestBody}; its response listener hands every
 * event to an {@link Outcome}, so no thread waits for the backend.
 */
final class Attempt extends Response.Listener.Adapter {

    static final String VIA = ForwardedHeaders.VIA;
    static final int BUFFER_SIZE = 16 * 1024;

    /** Request headers the engine sets itself or must not forward besides the hop-by-hop ones. */
    private static final Set<String> NOT_COPIED = Set.of("host", "expect", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "via");

    private final Request request;
    private final Endpoint endpoint;
    private Outcome outcome;
    private volatile boolean begun;
    private volatile boolean completed;
    private volatile Response response;
    /** Set by {@link #send}, read by the watchdog's sweep (published by its concurrent set). */
    private Watchdogs watchdogs;
    private long budgetMs;
    private RequestBody body;
    private long progress;
    private long deadline;
    private final AtomicReference<Runnable> then = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Builds the backend request: endpoint base URL + the unchanged raw request URI and query,
     * end-to-end headers, X-Forwarded-*, Via, and an idle timeout of {@code responseTimeoutMs}
     * (silence on the connection, not a total time, so long downloads keep working).
     *
     * @param body the shared client body, or null if the request has none
     */
    Attempt(HttpClient client, HttpServletRequest req, String routePath, Endpoint endpoint, RequestBody body, int responseTimeoutMs) {
        this(client, req, routePath, endpoint, body, responseTimeoutMs, true);
    }

    /** @param preserveHost whether the client's Host header is sent (else the endpoint's host:port) */
    Attempt(HttpClient client, HttpServletRequest req, String routePath, Endpoint endpoint, RequestBody body, int responseTimeoutMs,
            boolean preserveHost) {
        this.endpoint = endpoint;
        URI base = endpoint.getUrl();
        request = client.newRequest(URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/"))
                .method(req.getMethod())
                .path(target(base, req))
                .followRedirects(false)
                .idleTimeout(responseTimeoutMs, TimeUnit.MILLISECONDS);
        copyHeaders(req, request);
        ForwardedHeaders.add(req, request, base, preserveHost);
        request.header(RouteHeaders.ROUTE, routePath);
        if (body != null) {
            long length = req.getContentLengthLong();
            request.content(new InputStreamContentProvider(body.reader(), BUFFER_SIZE, false) {
                @Override
                public long getLength() {
                    return length;
                }
            });
        }
        request.onRequestBegin(r -> begun = true);
    }

    /** @return base path (without trailing slash) + raw request URI + "?" + raw query if any */
    static String target(URI base, HttpServletRequest req) {
        String prefix = base.getRawPath() == null ? "" : base.getRawPath();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        String query = req.getQueryString();
        return prefix + req.getRequestURI() + (query == null ? "" : "?" + query);
    }

    private static void copyHeaders(HttpServletRequest req, Request out) {
        out.getHeaders().clear(); // drop HttpClient defaults (User-Agent, Accept-Encoding)
        Set<String> tokens = HopByHopHeaders.connectionTokens(list(req, "Connection"));
        for (String name : Collections.list(req.getHeaderNames())) {
            if (!isEndToEnd(name, tokens)) {
                continue;
            }
            for (String value : Collections.list(req.getHeaders(name))) {
                out.header(name, value);
            }
        }
    }

    /**
     * @param tokens the client's {@code Connection} tokens
     * @return true for a client header the balancer passes on as it is
     */
    static boolean isEndToEnd(String name, Set<String> tokens) {
        return !(HopByHopHeaders.isExcluded(name, tokens) || NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))
                || RouteHeaders.isOwn(name) || ForwardedHeaders.isClientForwarded(name));
    }

    private static List<String> list(HttpServletRequest req, String name) {
        return req.getHeaders(name) == null ? List.of() : Collections.list(req.getHeaders(name));
    }

    /**
     * Sends the request; the answer comes to {@code outcome} on HttpClient's threads. Jetty's
     * connect timeout and the request idle timeout normally end a silent exchange; {@code budgetMs}
     * (restarted while the client body is still flowing) is only a safety net for the response
     * headers, after which the request is aborted.
     */
    void send(Outcome outcome, long budgetMs, RequestBody body, Watchdogs watchdogs) {
        this.outcome = outcome;
        this.budgetMs = budgetMs;
        this.body = body;
        this.progress = body == null ? 0 : body.bytesRead();
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        this.watchdogs = watchdogs;
        watchdogs.watch(this);
        request.send(this);
    }

    /**
     * Called by the watchdog's sweep: aborts the request if its response headers have not come
     * within the budget and the client body has not moved since the last look.
     *
     * @return true when the attempt no longer needs watching
     */
    boolean overdue(long nowNanos) {
        if (response != null || completed) {
            return true;
        }
        if (nowNanos - deadline < 0) {
            return false;
        }
        long now = body == null ? 0 : body.bytesRead();
        if (now != progress) {
            progress = now; // the body is still flowing: a new budget
            deadline = nowNanos + TimeUnit.MILLISECONDS.toNanos(budgetMs);
            return false;
        }
        request.abort(new TimeoutException("No response within " + budgetMs + " ms"));
        return true;
    }

    private void unwatch() {
        Watchdogs w = watchdogs;
        if (w != null) {
            w.unwatch(this);
        }
    }

    @Override
    public void onHeaders(Response r) {
        response = r;
        unwatch();
        outcome.headers(this, r);
    }

    @Override
    public void onContent(Response r, ByteBuffer content, Callback callback) {
        outcome.content(this, content, callback);
    }

    @Override
    public void onFailure(Response r, Throwable failure) {
        outcome.failed(this, failure);
    }

    @Override
    public void onComplete(Result result) {
        completed = true;
        unwatch();
        outcome.completed(this, result);
    }

    /** @return the endpoint this attempt was sent to */
    Endpoint endpoint() {
        return endpoint;
    }

    /** @return true once HttpClient started sending on a connection (the backend may see it) */
    boolean begun() {
        return begun;
    }

    /** @return the response whose headers arrived, or null */
    Response response() {
        return response;
    }

    /** @param then run by the {@link Outcome} when this exchange has ended, instead of its usual handling */
    void then(Runnable then) {
        this.then.set(then);
    }

    /** @return what {@link #then} set, once; null if nothing */
    Runnable takeThen() {
        return then.getAndSet(null);
    }

    /** @return true the first time only: the exchange is over and no longer uses the client request */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    /** Throws the exchange away (closing the backend connection if it is still streaming). */
    void discard(String why) {
        request.abort(new IOException(why));
    }

    /** Callbacks of one attempt, on HttpClient's threads, in the order of the exchange. */
    interface Outcome {
        /** The response headers arrived. */
        void headers(Attempt attempt, Response response);

        /** A chunk of the response body; {@code callback} must be completed, and the next chunk comes only then. */
        void content(Attempt attempt, ByteBuffer content, Callback callback);

        /** The response failed (before or after its headers arrived). */
        void failed(Attempt attempt, Throwable failure);

        /** Both sides of the exchange ended; the last callback. */
        void completed(Attempt attempt, Result result);
    }
}
