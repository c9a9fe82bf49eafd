package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.eclipse.jetty.client.api.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One client request going through {@link ProxyEngine#forward}: tries the planned endpoints in
 * order, applies the failover rules and relays the chosen answer. Single use; driven by the
 * callbacks of one {@link Attempt} at a time on HttpClient's threads, no thread waits for a backend.
 */
final class Forwarding implements Attempt.Outcome {

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
    private final ClientSide side;
    private final Scheduler scheduler;
    private final Watchdogs watchdogs;
    private RequestBody body;
    private boolean bodyRead;
    /** The plan being tried and the index of the endpoint being tried. */
    private List<Endpoint> plan;
    private int index;
    private boolean noneReached;
    private Runnable notTaken;
    /** The attempt whose answer is awaited, and the attempt whose answer is being relayed. */
    private Attempt current;
    private Attempt relaying;
    private boolean flushEach;
    private long relayedBytes;

    Forwarding(BalancerSettings settings, FailureClassifier classifier, HttpClient client, LongSupplier clock,
               HttpServletRequest req, HttpServletResponse resp, String routePath, EndpointTable table,
               ProxyListener events, long started, InFlight inFlight, ClientSide side, Watchdogs watchdogs) {
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
        this.side = side;
        this.scheduler = client.getScheduler();
        this.watchdogs = watchdogs;
    }

    /**
     * Tries {@code plan} (not empty) in order and answers the client, unless no endpoint processed
     * the request: every one refused to connect or did not serve the route at this moment, and the
     * request can be sent again. Then nothing is written and {@code notTaken} runs: the engine may
     * wait for an endpoint and call again with a new plan. Returns at once: the attempts go on on
     * HttpClient's threads, and the client side ends when the answer has been written.
     */
    void run(List<Endpoint> plan, Runnable notTaken) {
        if (!bodyRead) {
            long length = req.getContentLengthLong();
            boolean hasBody = length > 0 || (length < 0 && req.getHeader("Transfer-Encoding") != null);
            try {
                body = hasBody ? new RequestBody(req.getInputStream(), settings.getMaxRequestBytes()) : null;
            } catch (IOException e) {
                side.abort(e);
                return;
            }
            bodyRead = true;
        }
        this.plan = plan;
        this.notTaken = notTaken;
        index = 0;
        noneReached = true;
        send();
    }

    /** Sends the request to {@code plan[index]}. */
    private void send() {
        Endpoint endpoint = plan.get(index);
        inFlight.start(endpoint.getNodeId());
        Attempt attempt;
        try {
            attempt = new Attempt(client, req, routePath, endpoint, body, settings.getResponseTimeoutMs(),
                    settings.isPreserveHost());
        } catch (RuntimeException e) {
            inFlight.end(endpoint.getNodeId());
            throw e;
        }
        synchronized (this) {
            current = attempt;
        }
        side.opened();
        long budget = settings.getConnectTimeoutMs() + (long) settings.getResponseTimeoutMs() + 1000L;
        attempt.send(this, budget, body, watchdogs);
    }

    private Endpoint next() {
        return index + 1 < plan.size() ? plan.get(index + 1) : null;
    }

    /** The attempt failed before its answer was chosen: the failover rules decide what comes next. */
    private void failedBeforeAnswer(Attempt attempt, Throwable failure) {
        Endpoint endpoint = attempt.endpoint();
        Endpoint next = next();
        if (body != null && body.tooLarge()) {
            reply(413, "Request body larger than " + settings.getMaxRequestBytes() + " bytes\n", false, null);
            return;
        }
        if (body != null && body.clientFailure() != null) {
            if (ClientBodyFailure.isMalformed(body.clientFailure()) && !resp.isCommitted()) {
                events.requestFailed(routePath, endpoint, "malformed or incomplete request body: "
                        + describe(body.clientFailure()));
                reply(400, "Bad request: malformed or incomplete request body\n", false, null);
                return;
            }
            events.requestFailed(routePath, endpoint, "client request body failed: " + describe(body.clientFailure()));
            side.abort(body.clientFailure());
            return;
        }
        boolean connectFailure = !attempt.begun() || isConnectFailure(failure);
        noneReached &= connectFailure;
        String reason = describe(failure);
        if (!classifier.isFailure(failure)) {
            reply(502, "Bad gateway: " + reason + "\n", false, endpoint);
            return;
        }
        markDown(endpoint, reason, !connectFailure && isTimeout(failure));
        if (next != null && mayReplay(attempt, connectFailure)) {
            events.failover(routePath, endpoint, next, reason);
            index++;
            send();
            return;
        }
        if (noneReached && next == null) {
            if (body == null || body.rewind()) {
                notTaken.run();   // nobody processed it: the engine may wait for an endpoint
                return;
            }
            reply(503, "No live backend for " + routePath + "\n", true, endpoint);
        } else {
            reply(502, "Bad gateway: " + reason + "\n", false, endpoint);
        }
    }

    @Override
    public void headers(Attempt attempt, Response response) {
        guard(() -> {
            if (!take(attempt, false)) {
                return;
            }
            Endpoint endpoint = attempt.endpoint();
            Endpoint next = next();
            int status = response.getStatus();
            if (status == 503 && response.getHeaders().get(RouteHeaders.NOT_SERVED) != null) {
                // the backend refused the request before any application saw it: safe for every method
                leave(attempt);
                notServed(endpoint);
                afterEnd(attempt, "route not served", () -> {
                    if (body != null && !body.rewind()) {
                        reply(503, "No backend serves " + routePath + " at this moment\n", true, endpoint);
                    } else if (next != null) {
                        events.failover(routePath, endpoint, next, "not serving " + routePath + " now");
                        index++;
                        send();
                    } else {
                        notTaken.run();
                    }
                });
                return;
            }
            if (classifier.isFailureStatus(status)) {
                String reason = "HTTP " + status;
                markDown(endpoint, reason, false);
                if (next != null && mayReplay(attempt, false)) {
                    leave(attempt);
                    afterEnd(attempt, reason, () -> {
                        events.failover(routePath, endpoint, next, reason);
                        index++;
                        send();
                    });
                    return;
                }
                // last or not replayable: pass the backend's answer through unchanged
            } else if (table.markSuccess(endpoint)) {
                events.endpointUp(routePath, endpoint);
            }
            relay(attempt, endpoint, response);
        });
    }

    @Override
    public void content(Attempt attempt, ByteBuffer content, Callback callback) {
        boolean relayed;
        synchronized (this) {
            relayed = attempt == relaying;
        }
        if (!relayed) {
            callback.succeeded(); // the rest of a discarded answer
            return;
        }
        guard(() -> relayContent(attempt, content, callback));
    }

    @Override
    public void failed(Attempt attempt, Throwable failure) {
        guard(() -> {
            if (take(attempt, false)) {
                leave(attempt);
                failedBeforeAnswer(attempt, failure);
            } else if (take(attempt, true)) {
                leave(attempt);
                backendBroke(attempt.endpoint(), failure, relayedBytes);
            }
        });
    }

    @Override
    public void completed(Attempt attempt, Result result) {
        try {
            guard(() -> {
                Runnable then = attempt.takeThen();
                if (then != null) {
                    then.run();
                } else if (take(attempt, false)) {
                    // the request side failed, the response never came
                    leave(attempt);
                    failedBeforeAnswer(attempt, result.getFailure() != null ? result.getFailure()
                            : new IOException("no response"));
                } else if (take(attempt, true)) {
                    leave(attempt);
                    Throwable failure = result.getResponseFailure();
                    if (failure == null) {
                        done(result.getResponse().getStatus(), attempt.endpoint());
                        if (attempt.close()) {
                            side.closed(); // first: the client side is then let go at once, nothing is scheduled
                        }
                        side.complete();
                    } else {
                        backendBroke(attempt.endpoint(), failure, relayedBytes);
                    }
                }
            });
        } finally {
            if (attempt.close()) {
                side.closed();
            }
        }
    }

    /** After {@link #run} called notTaken and no endpoint came in time: 503 with Retry-After. */
    void unavailable() {
        reply(503, "No live backend for " + routePath + "\n", true, null);
    }

    /**
     * Runs a step of the exchange; an unexpected RuntimeException answers 502, or aborts the client
     * connection if the answer was committed, so that no request is left without an end.
     */
    void guard(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (side.ended()) {
                return;
            }
            if (!resp.isCommitted()) {
                reply(502, "Bad gateway: " + e + "\n", false, null);
            } else {
                side.abort(e);
            }
        }
    }

    /** @return true if {@code attempt} was the attempt awaiting its answer ({@code relay}: being relayed), which it no longer is */
    private synchronized boolean take(Attempt attempt, boolean relay) {
        if (relay ? relaying != attempt : current != attempt) {
            return false;
        }
        if (relay) {
            relaying = null;
        } else {
            current = null;
        }
        return true;
    }

    /** The attempt no longer counts as in flight on its node (it may still be completing). */
    private void leave(Attempt attempt) {
        inFlight.end(attempt.endpoint().getNodeId());
    }

    /**
     * Throws the attempt's answer away and runs {@code then} once the exchange has ended on both
     * sides (so that no HttpClient thread still reads the client body), or after
     * {@value ClientSide#RELEASE_WAIT_MS} ms.
     */
    private void afterEnd(Attempt attempt, String why, Runnable then) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                guard(then);
            }
        };
        attempt.then(once);
        try {
            scheduler.schedule(once, ClientSide.RELEASE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the completion runs it
        }
        attempt.discard(why);
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

    /** Copies status and headers of the chosen backend response to the client; the body follows in {@link #content}. */
    private void relay(Attempt attempt, Endpoint endpoint, Response response) {
        long max = settings.getMaxResponseBytes();
        HttpFields fields = response.getHeaders();
        long declared = declaredLength(fields);
        if (max > 0 && declared > max) {
            leave(attempt);
            attempt.discard("response too large");
            reply(502, "Bad gateway: response larger than " + max + " bytes\n", false, endpoint);
            return;
        }
        resp.setStatus(response.getStatus());
        copyResponseHeaders(fields, declared, endpoint);
        flushEach = declared < 0; // streamed (chunked) answers, e.g. server-sent events
        synchronized (this) {
            relaying = attempt;
        }
    }

    /** One chunk of the relayed answer: counted against {@code max.response.bytes}, then written without blocking. */
    private void relayContent(Attempt attempt, ByteBuffer content, Callback callback) {
        long max = settings.getMaxResponseBytes();
        int n = content.remaining();
        relayedBytes += n;
        if (max > 0 && relayedBytes > max) {
            if (take(attempt, true)) {
                leave(attempt);
                attempt.discard("response too large");
                broken(attempt.endpoint(), "response larger than " + max + " bytes", relayedBytes);
            }
            callback.failed(new IOException("response too large"));
            return;
        }
        long before = relayedBytes - n;
        ResponseWriter writer;
        try {
            writer = side.writer(flushEach, e -> clientGone(attempt, e, before));
        } catch (IOException e) {
            clientGone(attempt, e, before);
            callback.failed(e);
            return;
        }
        if (content.hasArray()) {
            writer.write(content.array(), content.arrayOffset() + content.position(), n, callback);
        } else {
            byte[] copy = new byte[n];
            content.get(copy);
            writer.write(copy, 0, n, callback);
        }
    }

    /** Writing to the client failed: it went away. */
    private void clientGone(Attempt attempt, Throwable e, long total) {
        if (!take(attempt, true)) {
            return;
        }
        leave(attempt);
        attempt.discard("client gone");
        events.requestFailed(routePath, attempt.endpoint(), "client gone after " + total + " bytes: " + describe(e));
        side.abort(e);
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
    private void backendBroke(Endpoint endpoint, Throwable e, long total) {
        String reason = describe(e);
        if (classifier.isFailure(e)) {
            markDown(endpoint, reason, isTimeout(e));
        }
        broken(endpoint, reason, total);
    }

    /** 502 if nothing is committed yet, else abort the client connection. */
    private void broken(Endpoint endpoint, String reason, long total) {
        if (!resp.isCommitted()) {
            resp.reset();
            reply(502, "Bad gateway: " + reason + "\n", false, endpoint);
            return;
        }
        events.requestFailed(routePath, endpoint, "response aborted after " + total + " bytes: " + reason);
        side.abort(new ResponseAbortedException("Backend response broke off after " + total + " bytes: " + reason));
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

    /** The balancer's own short answer, then the end of the exchange. */
    private void reply(int status, String text, boolean retryAfter, Endpoint endpoint) {
        try {
            sendText(status, text, retryAfter);
        } catch (IOException e) {
            side.abort(e); // the client went away
            return;
        }
        done(status, endpoint);
        side.complete();
    }

    private void done(int status, Endpoint endpoint) {
        events.requestDone(routePath, endpoint, status, System.nanoTime() - started);
    }

    /**
     * The cause of aborting the client connection when a backend response broke off after the
     * client response was committed, so that the client does not see a normal end of the
     * response (which would look like a complete, truncated body). A Jetty
     * {@link QuietException}, so Jetty logs it at DEBUG; {@link ProxyListener#requestFailed} reports it.
     */
    static final class ResponseAbortedException extends IOException implements QuietException {
        private static final long serialVersionUID = 1L;

        ResponseAbortedException(String message) {
            super(message);
        }
    }
}
