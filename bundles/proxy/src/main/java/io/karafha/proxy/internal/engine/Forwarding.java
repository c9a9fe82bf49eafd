package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.routes.Endpoint;
import io.karafha.routes.RouteHeaders;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.proxy.internal.EndpointTable;
import io.karafha.proxy.internal.FailureClassifier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.QuietException;

/**
 * One client request going through {@link ProxyEngine#forward}: tries the planned endpoints in
 * order, applies the failover rules and relays the chosen answer. Single use, one thread.
 */
final class Forwarding implements Exchange {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final Set<String> IDEMPOTENT_METHODS = Set.of("PUT", "DELETE");
    private static final int MAX_REASON = 200;
    /** How long an endpoint that answered "not served" is skipped for its route. */
    static final long NOT_SERVED_RETRY_MS = 500;

    private final BalancerSettings settings;
    private final FailureClassifier classifier;
    private final HttpClient client;
    private final LongSupplier clock;
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final String routePath;
    private final EndpointTable table;
    private final ProxyListener events;
    private final long started;
    private final InFlight inFlight;
    private RequestBody body;
    private boolean bodyRead;

    Forwarding(BalancerSettings settings, FailureClassifier classifier, HttpClient client, LongSupplier clock,
               HttpServletRequest req, HttpServletResponse resp, String routePath, EndpointTable table,
               ProxyListener events, long started, InFlight inFlight) {
        this.settings = settings;
        this.classifier = classifier;
        this.client = client;
        this.clock = clock;
        this.req = req;
        this.resp = resp;
        this.routePath = routePath;
        this.table = table;
        this.events = events;
        this.started = started;
        this.inFlight = inFlight;
    }

    /**
     * Tries {@code plan} (not empty) in order and answers the client, unless no endpoint processed
     * the request: every one refused to connect or did not serve the route at this moment, and the
     * request can be sent again. Then nothing is written and false is returned: the engine may wait
     * for an endpoint and call again with a new plan.
     *
     * @return true if the client was answered
     */
    @Override
    public boolean run(List<Endpoint> plan) throws IOException {
        if (!bodyRead) {
            long length = req.getContentLengthLong();
            boolean hasBody = length > 0 || (length < 0 && req.getHeader("Transfer-Encoding") != null);
            body = hasBody ? new RequestBody(req.getInputStream(), settings.getMaxRequestBytes()) : null;
            bodyRead = true;
        }
        long budget = settings.getConnectTimeoutMs() + (long) settings.getResponseTimeoutMs() + 1000L;
        boolean noneReached = true;
        for (int i = 0; i < plan.size(); i++) {
            Endpoint endpoint = plan.get(i);
            Endpoint next = i + 1 < plan.size() ? plan.get(i + 1) : null;
            inFlight.start(endpoint.getNodeId());
            try {
                Attempt attempt = new Attempt(client, req, routePath, endpoint, body, settings.getResponseTimeoutMs(),
                        settings.isPreserveHost());
                attempt.send();
                Throwable failure = attempt.awaitHeaders(budget, body);

                if (failure != null) {
                    if (body != null && body.tooLarge()) {
                        attempt.finish(1000);
                        sendText(413, "Request body larger than " + settings.getMaxRequestBytes() + " bytes\n", false);
                        done(413, null);
                        return true;
                    }
                    if (body != null && body.clientFailure() != null) {
                        attempt.finish(1000);
                        if (ClientBodyFailure.isMalformed(body.clientFailure()) && !resp.isCommitted()) {
                            events.requestFailed(routePath, endpoint, "malformed or incomplete request body: "
                                    + describe(body.clientFailure()));
                            sendText(400, "Bad request: malformed or incomplete request body\n", false);
                            done(400, null);
                            return true;
                        }
                        events.requestFailed(routePath, endpoint, "client request body failed: "
                                + describe(body.clientFailure()));
                        throw body.clientFailure();
                    }
                    boolean connectFailure = !attempt.begun() || isConnectFailure(failure);
                    noneReached &= connectFailure;
                    String reason = describe(failure);
                    if (!classifier.isFailure(failure)) {
                        sendText(502, "Bad gateway: " + reason + "\n", false);
                        done(502, endpoint);
                        return true;
                    }
                    markDown(endpoint, reason, !connectFailure && isTimeout(failure));
                    if (next != null && mayReplay(attempt, connectFailure)) {
                        events.failover(routePath, endpoint, next, reason);
                        continue;
                    }
                    if (noneReached && next == null) {
                        if (body == null || body.rewind()) {
                            return false;   // nobody processed it: the engine may wait for an endpoint
                        }
                        sendText(503, "No live backend for " + routePath + "\n", true);
                    } else {
                        sendText(502, "Bad gateway: " + reason + "\n", false);
                    }
                    done(resp.getStatus(), endpoint);
                    return true;
                }

                Response response = attempt.response();
                int status = response.getStatus();
                if (status == 503 && response.getHeaders().get(RouteHeaders.NOT_SERVED) != null) {
                    // the backend refused the request before any application saw it: safe for every method
                    attempt.discard("route not served");
                    attempt.finish(1000);
                    notServed(endpoint);
                    if (body != null && !body.rewind()) {
                        sendText(503, "No backend serves " + routePath + " at this moment\n", true);
                        done(503, endpoint);
                        return true;
                    }
                    if (next != null) {
                        events.failover(routePath, endpoint, next, "not serving " + routePath + " now");
                        continue;
                    }
                    return false;
                }
                if (classifier.isFailureStatus(status)) {
                    String reason = "HTTP " + status;
                    markDown(endpoint, reason, false);
                    if (next != null && mayReplay(attempt, false)) {
                        attempt.discard(reason);
                        attempt.finish(1000);
                        events.failover(routePath, endpoint, next, reason);
                        continue;
                    }
                    // last or not replayable: pass the backend's answer through unchanged
                } else if (table.markSuccess(endpoint)) {
                    events.endpointUp(routePath, endpoint);
                }
                relay(attempt, endpoint, response);
                return true;
            } finally {
                inFlight.end(endpoint.getNodeId());
            }
        }
        return false;
    }

    /** After {@link #run} returned false and no endpoint came in time: 503 with Retry-After. */
    @Override
    public void unavailable() throws IOException {
        sendText(503, "No live backend for " + routePath + "\n", true);
        done(503, null);
    }

    /**
     * The endpoint does not serve the route now (its application is restarting or updating): it is
     * skipped for a short while, not the retry interval, as it is expected back within seconds.
     */
    private void notServed(Endpoint endpoint) {
        String reason = "not serving " + routePath + " now";
        long skip = Math.min(settings.getRetryIntervalMs(), NOT_SERVED_RETRY_MS);
        if (table.markDown(endpoint, clock.getAsLong(), skip, reason, false)) {
            events.endpointDown(routePath, endpoint, reason);
        }
    }

    /**
     * Replay is allowed iff no body byte can have reached a backend and either the failure
     * happened before sending, the method is safe (GET/HEAD/OPTIONS/TRACE), it is a PUT/DELETE
     * without body, or {@code replay.non.idempotent=true}. A body counts as consumed as soon as
     * an attempt began sending or anything read it.
     */
    private boolean mayReplay(Attempt attempt, boolean connectFailure) {
        if (body != null && (body.touched() || attempt.begun())) {
            // nothing was sent on a connection that never opened: a body kept from an endpoint that
            // refused it unread starts again
            return connectFailure && !attempt.begun() && body.rewind();
        }
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        return connectFailure || SAFE_METHODS.contains(method)
                || (body == null && IDEMPOTENT_METHODS.contains(method))
                || settings.isReplayNonIdempotent();
    }

    /** @return true if the cause chain shows the connection was never established */
    /** @return true if a timeout (response or idle timeout) is anywhere in the cause chain */
    static boolean isTimeout(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException || c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static boolean isConnectFailure(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException
                    || c instanceof NoRouteToHostException || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** Copies status, headers and body of the chosen backend response to the client. */
    private void relay(Attempt attempt, Endpoint endpoint, Response response) throws IOException {
        long max = settings.getMaxResponseBytes();
        HttpFields fields = response.getHeaders();
        long declared = declaredLength(fields);
        if (max > 0 && declared > max) {
            attempt.discard("response too large");
            sendText(502, "Bad gateway: response larger than " + max + " bytes\n", false);
            done(502, endpoint);
            return;
        }
        resp.setStatus(response.getStatus());
        copyResponseHeaders(fields, declared, endpoint);
        boolean flushEach = declared < 0; // streamed (chunked) answers, e.g. server-sent events
        byte[] buffer = new byte[Attempt.BUFFER_SIZE];
        long total = 0;
        OutputStream out = null;
        try (InputStream in = attempt.responseBody()) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    backendBroke(endpoint, e, total);
                    return;
                }
                if (n < 0) {
                    break;
                }
                total += n;
                if (max > 0 && total > max) {
                    attempt.discard("response too large");
                    broken(endpoint, "response larger than " + max + " bytes", total);
                    return;
                }
                if (out == null) {
                    out = resp.getOutputStream();
                }
                try {
                    out.write(buffer, 0, n);
                    if (flushEach) {
                        out.flush();
                    }
                } catch (IOException e) {
                    attempt.discard("client gone");
                    events.requestFailed(routePath, endpoint, "client gone after " + total + " bytes: "
                            + describe(e));
                    throw e;
                }
            }
        }
        attempt.finish(settings.getResponseTimeoutMs());
        done(response.getStatus(), endpoint);
    }

    private static long declaredLength(HttpFields fields) {
        try {
            return fields.getLongField("Content-Length");
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void copyResponseHeaders(HttpFields fields, long declared, Endpoint endpoint) {
        Set<String> tokens = HopByHopHeaders.connectionTokens(fields.getValuesList("Connection"));
        Set<String> seen = new HashSet<>();
        for (HttpField field : fields) {
            String name = field.getName();
            if (HopByHopHeaders.isExcluded(name, tokens) || RouteHeaders.isOwn(name)) {
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length")) {
                if (declared >= 0) {
                    resp.setContentLengthLong(declared);
                }
            } else if (seen.add(name.toLowerCase(Locale.ROOT))) {
                resp.setHeader(name, LocationRewrite.isLocation(name)
                        ? LocationRewrite.rewrite(field.getValue(), endpoint, req) : field.getValue());
            } else {
                resp.addHeader(name, field.getValue());
            }
        }
    }

    /** Reading the backend response failed after its headers arrived. */
    private void backendBroke(Endpoint endpoint, IOException e, long total) throws IOException {
        String reason = describe(e);
        if (classifier.isFailure(e)) {
            markDown(endpoint, reason, isTimeout(e));
        }
        broken(endpoint, reason, total);
    }

    /** 502 if nothing is committed yet, else abort the client connection by throwing. */
    private void broken(Endpoint endpoint, String reason, long total) throws IOException {
        if (!resp.isCommitted()) {
            resp.reset();
            sendText(502, "Bad gateway: " + reason + "\n", false);
            done(502, endpoint);
            return;
        }
        events.requestFailed(routePath, endpoint, "response aborted after " + total + " bytes: " + reason);
        throw new ResponseAbortedException("Backend response broke off after " + total + " bytes: " + reason);
    }

    /** @return the classifier's one-line reason, cut to 200 characters (Jetty messages dump connections) */
    private String describe(Throwable t) {
        String d = classifier.describe(t);
        return d.length() > MAX_REASON ? d.substring(0, MAX_REASON - 3) + "..." : d;
    }

    /** @param hung the backend took the request and then stayed silent past the response timeout */
    private void markDown(Endpoint endpoint, String reason, boolean hung) {
        events.attemptFailed(routePath, endpoint, reason, hung);
        if (table.markDown(endpoint, clock.getAsLong(), settings.getRetryIntervalMs(), reason, hung)) {
            events.endpointDown(routePath, endpoint, reason);
        }
    }

    private void sendText(int status, String text, boolean retryAfter) throws IOException {
        ProxyEngine.sendText(resp, status, text, retryAfter ? ProxyEngine.retryAfterSeconds(settings) : -1);
    }

    private void done(int status, Endpoint endpoint) {
        events.requestDone(routePath, endpoint, status, System.nanoTime() - started);
    }

    /**
     * Thrown out of the servlet when a backend response broke off after the client response was
     * committed, so that the container aborts the client connection instead of ending the
     * response normally (which would look like a complete, truncated body). A Jetty
     * {@link QuietException}, so Jetty logs it at DEBUG; {@link ProxyListener#requestFailed} reports it.
     */
    static final class ResponseAbortedException extends IOException implements QuietException {
        private static final long serialVersionUID = 1L;

        ResponseAbortedException(String message) {
            super(message);
        }
    }
}
