package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.servlet.http.HttpServletRequest;

import io.karafha.routes.Endpoint;
import io.karafha.routes.RouteHeaders;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.util.InputStreamContentProvider;
import org.eclipse.jetty.client.util.InputStreamResponseListener;

/**
 * One try of a client request against one endpoint: a single-use Jetty {@link Request} with its
 * own content provider over the shared {@link RequestBody}, sent with an
 * {@link InputStreamResponseListener} so the calling (servlet) thread can block on the answer.
 */
final class Attempt {

    static final String VIA = ForwardedHeaders.VIA;
    static final int BUFFER_SIZE = 16 * 1024;

    /** Request headers the engine sets itself or must not forward besides the hop-by-hop ones. */
    private static final Set<String> NOT_COPIED = Set.of("host", "expect", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "via");

    private final Request request;
    private final InputStreamResponseListener listener = new InputStreamResponseListener();
    private volatile boolean begun;
    private Response response;

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

    /** Sends the request; the answer is collected by the listener. */
    void send() {
        request.send(listener);
    }

    /** @return true once HttpClient started sending on a connection (the backend may see it) */
    boolean begun() {
        return begun;
    }

    /**
     * Waits for the response headers. Jetty's connect timeout and the request idle timeout
     * normally end the wait; this budget ({@code budgetMs}, restarted while the client body
     * is still flowing) is only a safety net, after which the request is aborted.
     *
     * @return null when {@link #response()} is available, else the failure
     */
    Throwable awaitHeaders(long budgetMs, RequestBody body) {
        long progress = body == null ? 0 : body.bytesRead();
        try {
            while (true) {
                try {
                    response = listener.get(budgetMs, TimeUnit.MILLISECONDS);
                    return null;
                } catch (TimeoutException e) {
                    long now = body == null ? 0 : body.bytesRead();
                    if (now == progress) {
                        TimeoutException t = new TimeoutException("No response within " + budgetMs + " ms");
                        request.abort(t);
                        return t;
                    }
                    progress = now;
                }
            }
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            return new InterruptedIOException("Interrupted while waiting for the backend");
        }
    }

    /** @return the response whose headers arrived; only after {@link #awaitHeaders} returned null */
    Response response() {
        return response;
    }

    /** @return the response body; call once */
    InputStream responseBody() {
        return listener.getInputStream();
    }

    /** Throws the response away (closing the backend connection if it is still streaming). */
    void discard(String why) {
        if (response != null) {
            response.abort(new IOException(why));
        }
        try {
            listener.getInputStream().close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /**
     * Waits up to {@code timeoutMs} for both sides of the exchange to end, then aborts it, so
     * that no HttpClient thread still reads the client body once the servlet returns.
     */
    void finish(long timeoutMs) {
        try {
            listener.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(new TimeoutException("Exchange did not complete within " + timeoutMs + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
        }
    }
}
