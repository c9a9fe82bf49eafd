package io.karafha.proxy.internal.engine;

import java.io.IOException;
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
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.Request;

/**
 * A WebSocket opening handshake ({@code GET} with {@code Upgrade: websocket}) through the
 * balancer: the same endpoint plan as any request (master first), and the handshake moves to the
 * next endpoint when one refuses the connection, stays silent past the response timeout, closes,
 * answers "not served" or a failover status: nothing was tunnelled yet, so trying again is safe.
 * The first 101 wins: the balancer answers the client 101 with the backend's handshake headers
 * and hands both connections to a {@link WebSocketTunnel}. Any other answer is passed on.
 */
final class WebSocketForwarding implements Exchange {

    private static final Set<String> NOT_RELAYED = Set.of("content-length", "transfer-encoding", "connection",
            "upgrade", "keep-alive");

    private final BalancerSettings settings;
    private final FailureClassifier classifier;
    private final LongSupplier clock;
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final String routePath;
    private final String protocols;
    private final EndpointTable table;
    private final ProxyListener events;
    private final long started;
    private final WebSocketCounters counters;

    WebSocketForwarding(BalancerSettings settings, FailureClassifier classifier, LongSupplier clock, HttpServletRequest req,
                        HttpServletResponse resp, String routePath, String protocols, EndpointTable table,
                        ProxyListener events, long started, WebSocketCounters counters) {
        this.settings = settings;
        this.classifier = classifier;
        this.clock = clock;
        this.req = req;
        this.resp = resp;
        this.routePath = routePath;
        this.protocols = protocols;
        this.table = table;
        this.events = events;
        this.started = started;
        this.counters = counters;
    }

    /** @return the client's Jetty HTTP/1.1 request if its connection can be taken over, else null */
    static Request upgradable(HttpServletRequest req) {
        Request base = Request.getBaseRequest(req);
        if (base == null || !"HTTP/1.1".equals(req.getProtocol())) {
            return null;
        }
        HttpChannel channel = base.getHttpChannel();
        return channel != null && channel.getHttpTransport() instanceof HttpConnection ? base : null;
    }

    @Override
    public boolean run(List<Endpoint> plan) throws IOException {
        for (int i = 0; i < plan.size(); i++) {
            Endpoint endpoint = plan.get(i);
            Endpoint next = i + 1 < plan.size() ? plan.get(i + 1) : null;
            WebSocketHandshake answer;
            try {
                answer = WebSocketHandshake.open(req, routePath, endpoint, protocols, settings.isPreserveHost(),
                        settings.getConnectTimeoutMs(), settings.getResponseTimeoutMs());
            } catch (IOException e) {
                String reason = "WebSocket handshake: " + classifier.describe(e);
                events.attemptFailed(routePath, endpoint, reason, WebSocketHandshake.isTimeout(e));
                if (table.markDown(endpoint, clock.getAsLong(), settings.getRetryIntervalMs(), reason,
                        WebSocketHandshake.isTimeout(e))) {
                    events.endpointDown(routePath, endpoint, reason);
                }
                if (next != null) {
                    counters.handshakeFailovers.incrementAndGet();
                    events.failover(routePath, endpoint, next, reason);
                    continue;
                }
                return false;   // nobody took it: the engine may wait for an endpoint
            }
            int status = answer.status;
            if (status == 503 && answer.header(RouteHeaders.NOT_SERVED) != null) {
                answer.close();
                String reason = "not serving " + routePath + " now";
                long skip = Math.min(settings.getRetryIntervalMs(), Forwarding.NOT_SERVED_RETRY_MS);
                if (table.markDown(endpoint, clock.getAsLong(), skip, reason, false)) {
                    events.endpointDown(routePath, endpoint, reason);
                }
                if (next != null) {
                    counters.handshakeFailovers.incrementAndGet();
                    events.failover(routePath, endpoint, next, reason);
                    continue;
                }
                return false;
            }
            if (status != 101 && classifier.isFailureStatus(status) && next != null) {
                answer.close();
                String reason = "HTTP " + status;
                events.attemptFailed(routePath, endpoint, reason, false);
                if (table.markDown(endpoint, clock.getAsLong(), settings.getRetryIntervalMs(), reason, false)) {
                    events.endpointDown(routePath, endpoint, reason);
                }
                counters.handshakeFailovers.incrementAndGet();
                events.failover(routePath, endpoint, next, reason);
                continue;
            }
            if (table.markSuccess(endpoint)) {
                events.endpointUp(routePath, endpoint);
            }
            if (status == 101) {
                switchProtocols(endpoint, answer);
            } else {
                relay(endpoint, answer);
            }
            events.requestDone(routePath, endpoint, status, System.nanoTime() - started);
            return true;
        }
        return false;
    }

    private void switchProtocols(Endpoint endpoint, WebSocketHandshake answer) {
        Request base = upgradable(req);
        copyHeaders(answer, endpoint);
        resp.setHeader("Upgrade", answer.header("Upgrade") == null ? UpgradeRequest.WEBSOCKET : answer.header("Upgrade"));
        resp.setHeader("Connection", "Upgrade");
        resp.setStatus(101);
        HttpChannel channel = base.getHttpChannel();
        WebSocketTunnel tunnel = new WebSocketTunnel(channel.getEndPoint(), channel.getConnector().getExecutor(),
                answer.socket, answer.rest, routePath + " -> " + endpoint.getNodeId(),
                settings.getWebsocketIdleTimeoutMs(), counters);
        // Jetty 9.4: once this 101 is written, HttpConnection hands its endpoint to the tunnel
        base.setAttribute(HttpConnection.UPGRADE_CONNECTION_ATTRIBUTE, tunnel);
    }

    /** A non-101 answer (404, 403, 400, the last endpoint's 5xx...): status, headers, a small body. */
    private void relay(Endpoint endpoint, WebSocketHandshake answer) throws IOException {
        byte[] body = answer.smallBody();
        answer.close();
        resp.setStatus(answer.status);
        copyHeaders(answer, endpoint);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private void copyHeaders(WebSocketHandshake answer, Endpoint endpoint) {
        for (String[] h : answer.headers) {
            if (!NOT_RELAYED.contains(h[0].toLowerCase(Locale.ROOT))) {
                resp.addHeader(h[0], LocationRewrite.isLocation(h[0]) ? LocationRewrite.rewrite(h[1], endpoint, req) : h[1]);
            }
        }
    }

    @Override
    public void unavailable() throws IOException {
        ProxyEngine.sendText(resp, 503, "No live backend for " + routePath + "\n", ProxyEngine.retryAfterSeconds(settings));
        events.requestDone(routePath, null, 503, System.nanoTime() - started);
    }
}
