package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.proxy.internal.EndpointTable;
import io.karafha.proxy.internal.FailureClassifier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.http.HttpClientTransportOverHTTP;
import org.eclipse.jetty.util.HttpCookieStore;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Non-blocking HTTP reverse proxy with failover, one per balancer; thread-safe.
 * <p>
 * Owns one Jetty {@link HttpClient} (pooled keep-alive connections, no redirects, no content
 * decoding, no authentication or 100-continue handling, no cookie store, no User-Agent), so
 * backend answers pass through unchanged. {@link #forward} puts the servlet request in async
 * mode (Servlet 3.1) and returns; HttpClient's callbacks carry the request on (no thread waits
 * for a backend), implementing the Fabric failover rules: endpoints are tried in {@link EndpointTable#plan} order,
 * failures mark an endpoint DOWN, and a request moves on only if that cannot replay a body a
 * backend may already have processed.
 */
public final class ProxyEngine {

    /** Client-side keep-alive idle timeout; below common backend idle timeouts (Jetty: 30 s). */
    static final long CLIENT_IDLE_TIMEOUT_MS = 20_000;
    static final int MAX_CONNECTIONS_PER_DESTINATION = 256;

    /** A started client plus the requests using it; stopped when retired and unused. */
    private static final class ClientHandle {
        final HttpClient client;
        final int connectTimeoutMs;
        final Watchdogs watchdogs;
        private final AtomicInteger refs = new AtomicInteger(1); // 1 = the engine's own reference

        ClientHandle(HttpClient client, int connectTimeoutMs) {
            this.client = client;
            this.connectTimeoutMs = connectTimeoutMs;
            this.watchdogs = new Watchdogs(client.getScheduler());
        }

        boolean retain() {
            for (int r = refs.get(); r > 0; r = refs.get()) {
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
            return false;
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                // the last request may end on one of the client's own threads: stop it from another
                Thread stopper = new Thread(() -> stopQuietly(client), "karaf-ha-proxy-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
        }
    }

    private record Config(BalancerSettings settings, FailureClassifier classifier) {
        static Config of(BalancerSettings s) {
            return new Config(s, FailureClassifier.of(s));
        }
    }

    /** How often a waiting request looks for an endpoint again. */
    static final long WAIT_POLL_MS = 20;

    private final LongSupplier clock;
    private final Object lifecycle = new Object();
    private final InFlight inFlight = new InFlight();
    private final AtomicInteger waiting = new AtomicInteger();
    private final WebSocketCounters websockets = new WebSocketCounters();
    private volatile Config config;
    private volatile ClientHandle handle;
    private volatile StickyRouting sticky = StickyRouting.off();

    /** Creates a stopped engine using the wall clock for endpoint retry times. */
    public ProxyEngine(BalancerSettings settings) {
        this(settings, System::currentTimeMillis);
    }

    /** @param clock epoch-millis clock passed to {@link EndpointTable} */
    public ProxyEngine(BalancerSettings settings, LongSupplier clock) {
        this.config = Config.of(Objects.requireNonNull(settings, "settings"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates and starts the HTTP client; does nothing if already started.
     *
     * @throws IllegalStateException if Jetty cannot start the client
     */
    public void start() {
        synchronized (lifecycle) {
            if (handle == null) {
                int connectTimeout = config.settings().getConnectTimeoutMs();
                handle = new ClientHandle(newClient(connectTimeout), connectTimeout);
            }
        }
    }

    /** Stops the HTTP client at once, aborting requests in flight; the engine can be started again. */
    public void stop() {
        ClientHandle h;
        synchronized (lifecycle) {
            h = handle;
            handle = null;
        }
        if (h != null) {
            stopQuietly(h.client);
        }
    }

    /** @return true between {@link #start()} and {@link #stop()} */
    public boolean isStarted() {
        return handle != null;
    }

    /**
     * Applies new settings to the next requests. The HTTP client is replaced only if the connect
     * timeout changed (Jetty reads it at client start); the old one is stopped once the requests
     * using it have finished.
     */
    public void reconfigure(BalancerSettings settings) {
        Objects.requireNonNull(settings, "settings");
        synchronized (lifecycle) {
            config = Config.of(settings);
            ClientHandle old = handle;
            if (old != null && old.connectTimeoutMs != settings.getConnectTimeoutMs()) {
                handle = new ClientHandle(newClient(settings.getConnectTimeoutMs()), settings.getConnectTimeoutMs());
                old.release();
            }
        }
    }

    /** Session affinity for the next requests: the session's owner goes first in each plan. */
    public void setStickyRouting(StickyRouting sticky) {
        this.sticky = Objects.requireNonNull(sticky, "sticky");
    }

    /** @return the settings in use */
    public BalancerSettings getSettings() {
        return config.settings();
    }

    /**
     * Forwards one client request to the route's endpoints and writes the answer to {@code resp}.
     * <ul>
     * <li>Content-Length above {@code max.request.bytes}: 413, no backend contacted.</li>
     * <li>No eligible endpoint: 503 {@code No live backend for <routePath>} with Retry-After.</li>
     * <li>Each endpoint of the plan in turn: an exception in the {@code exceptions} list or a
     * status in {@code failover.on.status} marks it DOWN; the next one is tried only if the
     * request can be replayed safely (see {@code Forwarding#mayReplay}).</li>
     * <li>Otherwise: the backend's answer passes through (a failure status from the last
     * backend too); an exception gives 502 {@code Bad gateway: <reason>}, or 503 if no attempt
     * ever connected.</li>
     * <li>If the backend response breaks off after the client response was committed, the
     * client connection is aborted.</li>
     * </ul>
     * Returns once the request is on its way when the request supports async; otherwise (a
     * filter without async support in front) waits until the answer has been written.
     *
     * @param routePath the registry path the servlet is mounted at, e.g. {@code /app}
     * @param listener  callbacks (on servlet and HttpClient threads); may be null
     * @throws IOException           without async support: the client went away, or to abort a broken response
     * @throws IllegalStateException if the engine is not started
     */
    public void forward(HttpServletRequest req, HttpServletResponse resp, String routePath, EndpointTable table,
                        ProxyListener listener) throws IOException {
        long started = System.nanoTime();
        ProxyListener events = new SafeListener(listener);
        Config cfg = config;
        BalancerSettings s = cfg.settings();
        long maxRequest = s.getMaxRequestBytes();
        if (maxRequest > 0 && req.getContentLengthLong() > maxRequest) {
            sendText(resp, 413, "Request body larger than " + maxRequest + " bytes\n", -1);
            events.requestDone(routePath, null, 413, System.nanoTime() - started);
            return;
        }
        String upgrade = UpgradeRequest.protocols(req);
        if (upgrade != null && UpgradeRequest.isIgnored(upgrade)) {
            upgrade = null;
        }
        if (upgrade != null && (!UpgradeRequest.isWebSocket(req, upgrade) || WebSocketForwarding.upgradable(req) == null)) {
            websockets.refused.incrementAndGet();
            sendText(resp, 400, "Upgrade to '" + upgrade + "' (" + req.getMethod() + ", " + req.getProtocol()
                    + ") is not supported: the balancer tunnels only WebSocket, a GET over HTTP/1.1\n", -1);
            events.requestDone(routePath, null, 400, System.nanoTime() - started);
            return;
        }
        ClientHandle h = acquire();
        if (upgrade != null) {
            forwardUpgrade(req, resp, routePath, table, events, started, upgrade, h);
            return;
        }
        ClientSide side;
        try {
            side = ClientSide.start(req, resp);
        } catch (RuntimeException e) {
            h.release();
            throw e;
        }
        Forwarding forwarding = new Forwarding(s, cfg.classifier(), h.client, clock, req, resp, routePath, table,
                events, started, inFlight, side, h.watchdogs);
        Plans plans = new Plans(s, h, req, routePath, table, forwarding, started);
        side.onEnd(plans::end, h.client.getScheduler());
        forwarding.guard(plans::next);
        side.awaitIfBlocking();
    }

    /**
     * A WebSocket upgrade: handshaken on a plain socket and tunnelled (see {@link WebSocketForwarding});
     * the servlet thread carries it as before, with the same bounded wait for an endpoint.
     */
    private void forwardUpgrade(HttpServletRequest req, HttpServletResponse resp, String routePath, EndpointTable table,
                                ProxyListener events, long started, String upgrade, ClientHandle h) throws IOException {
        Config cfg = config;
        BalancerSettings s = cfg.settings();
        boolean counted = false;
        try {
            Exchange forwarding = new WebSocketForwarding(s, cfg.classifier(), clock, req, resp, routePath, upgrade, table,
                    events, started, websockets);
            long deadline = started + TimeUnit.MILLISECONDS.toNanos(s.getUnavailableWaitMs());
            while (true) {
                List<Endpoint> plan = plan(s, table, req, routePath);
                if (!plan.isEmpty() && forwarding.run(plan)) {
                    return;
                }
                if (!counted) {
                    if (!mayWait(s)) {
                        forwarding.unavailable();
                        return;
                    }
                    counted = true;
                }
                if (System.nanoTime() - deadline >= 0) {
                    forwarding.unavailable();
                    return;
                }
                try {
                    Thread.sleep(WAIT_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    forwarding.unavailable();
                    return;
                }
            }
        } finally {
            if (counted) {
                waiting.decrementAndGet();
            }
            h.release();
        }
    }

    /** @return the endpoints this request tries now, in order: the route's plan, then session affinity */
    private List<Endpoint> plan(BalancerSettings s, EndpointTable table, HttpServletRequest req, String routePath) {
        return sticky.reorder(table.plan(s.policyFor(routePath), clock.getAsLong(), s.getMaxAttempts()), req, routePath);
    }

    /**
     * @return true if the request may wait for an endpoint: it is then counted in {@code waiting},
     *         and its caller takes it off when it stops waiting; false: 503 at once (no wait
     *         configured, or {@code unavailable.max.waiting} requests already wait)
     */
    private boolean mayWait(BalancerSettings s) {
        if (s.getUnavailableWaitMs() == 0) {
            return false;
        }
        if (waiting.incrementAndGet() > s.getUnavailableMaxWaiting()) {
            waiting.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * The plans one request goes through: the first at once; when no endpoint can take the
     * request now (all restarting, draining, down), a short outage is a wait, bounded in time and
     * in the number of waiting requests, with a new plan every {@value #WAIT_POLL_MS} ms.
     */
    private final class Plans {
        private final BalancerSettings s;
        private final ClientHandle h;
        private final HttpServletRequest req;
        private final String routePath;
        private final EndpointTable table;
        private final Forwarding forwarding;
        private final long deadline;
        private boolean counted;

        Plans(BalancerSettings s, ClientHandle h, HttpServletRequest req, String routePath, EndpointTable table,
              Forwarding forwarding, long started) {
            this.s = s;
            this.h = h;
            this.req = req;
            this.routePath = routePath;
            this.table = table;
            this.forwarding = forwarding;
            this.deadline = started + TimeUnit.MILLISECONDS.toNanos(s.getUnavailableWaitMs());
        }

        void next() {
            List<Endpoint> plan = plan(s, table, req, routePath);
            if (!plan.isEmpty()) {
                forwarding.run(plan, this::notTaken);
                return;
            }
            notTaken();
        }

        private void notTaken() {
            synchronized (this) {
                if (!counted) {
                    if (!mayWait(s)) {
                        forwarding.unavailable();
                        return;
                    }
                    counted = true;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                forwarding.unavailable();
                return;
            }
            try {
                h.client.getScheduler().schedule(() -> forwarding.guard(this::next), WAIT_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                forwarding.unavailable();
            }
        }

        /** The exchange ended: no longer waiting, the client may be stopped. */
        void end() {
            synchronized (this) {
                if (counted) {
                    counted = false;
                    waiting.decrementAndGet();
                }
            }
            h.release();
        }
    }

    /** @return the requests this balancer has in flight to each backend node */
    public InFlight inFlight() {
        return inFlight;
    }

    /** @return the WebSockets through this engine */
    public WebSocketCounters websockets() {
        return websockets;
    }

    /** @return requests waiting now for a route with no available endpoint */
    public int waiting() {
        return waiting.get();
    }

    private ClientHandle acquire() {
        while (true) {
            ClientHandle h = handle;
            if (h == null) {
                throw new IllegalStateException("ProxyEngine is not started");
            }
            if (h.retain()) {
                return h;
            }
        }
    }

    /** @return the retry interval in whole seconds, rounded up, at least 1 */
    static long retryAfterSeconds(BalancerSettings s) {
        return Math.max(1, (s.getRetryIntervalMs() + 999) / 1000);
    }

    /**
     * Writes a short plain-text answer if the response is not committed yet.
     *
     * @param retryAfter seconds for a Retry-After header, or -1 for none
     */
    static void sendText(HttpServletResponse resp, int status, String text, long retryAfter) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.setContentLength(bytes.length);
        if (retryAfter >= 0) {
            resp.setHeader("Retry-After", Long.toString(retryAfter));
        }
        resp.getOutputStream().write(bytes);
    }

    /**
     * HttpClient sizing, chosen by measurement (bench/run.sh, docs/benchmarks.md); the system
     * properties {@code karafha.proxy.selectors}, {@code .threads}, {@code .min.threads} and
     * {@code .reserved.threads} override them for such measurements.
     */
    static final int SELECTORS = Integer.getInteger("karafha.proxy.selectors", 1);
    static final int MAX_THREADS = Integer.getInteger("karafha.proxy.threads", 200);
    static final int MIN_THREADS = Integer.getInteger("karafha.proxy.min.threads", 2);
    static final int RESERVED_THREADS = Integer.getInteger("karafha.proxy.reserved.threads", -1);

    private static HttpClient newClient(int connectTimeoutMs) {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, 60_000);
        pool.setName("karaf-ha-proxy");
        pool.setDaemon(true);
        pool.setReservedThreads(RESERVED_THREADS);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(SELECTORS);
        transport.setConnectionPoolFactory(LiveConnectionPool.factory(MAX_CONNECTIONS_PER_DESTINATION));
        HttpClient client = new HttpClient(transport, new SslContextFactory.Client());
        client.setExecutor(pool);
        client.setScheduler(new CountingScheduler("karaf-ha-proxy-scheduler"));
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectTimeoutMs);
        client.setIdleTimeout(CLIENT_IDLE_TIMEOUT_MS);
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_DESTINATION);
        client.setUserAgentField(null);
        client.setCookieStore(new HttpCookieStore.Empty()); // never replay one client's cookies to another
        client.setDefaultRequestContentType(null);
        client.setRemoveIdleDestinations(true);
        try {
            client.start();
        } catch (Exception e) {
            stopQuietly(client);
            throw new IllegalStateException("Cannot start the proxy HTTP client: " + e, e);
        }
        // start() installs the defaults; remove them so 401, redirects and gzip pass through
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        return client;
    }

    /**
     * @return tasks scheduled on the proxy's scheduler that have neither run nor been cancelled
     *         (watchdogs of requests in flight, waits for an endpoint); a finished exchange leaves none
     */
    int pendingTasks() {
        ClientHandle h = handle;
        return h == null ? 0 : ((CountingScheduler) h.client.getScheduler()).pending.get();
    }

    /** Jetty's scheduler that knows how many of its tasks are still pending. */
    static final class CountingScheduler extends ScheduledExecutorScheduler {
        final AtomicInteger pending = new AtomicInteger();

        CountingScheduler(String name) {
            super(name, true);
        }

        @Override
        public Task schedule(Runnable task, long delay, TimeUnit unit) {
            AtomicBoolean over = new AtomicBoolean();
            pending.incrementAndGet();
            Task t;
            try {
                t = super.schedule(() -> {
                    if (over.compareAndSet(false, true)) {
                        pending.decrementAndGet();
                    }
                    task.run();
                }, delay, unit);
            } catch (RuntimeException e) {
                pending.decrementAndGet();
                throw e;
            }
            return () -> {
                boolean cancelled = t.cancel();
                if (cancelled && over.compareAndSet(false, true)) {
                    pending.decrementAndGet();
                }
                return cancelled;
            };
        }
    }

    private static void stopQuietly(HttpClient client) {
        try {
            client.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }

    /** Shields the engine from listener exceptions: a listener must not break proxying. */
    private static final class SafeListener implements ProxyListener {
        private final ProxyListener delegate;

        SafeListener(ProxyListener delegate) {
            this.delegate = delegate == null ? ProxyListener.NONE : delegate;
        }

        private static void safely(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException ignored) {
                // a listener must not break proxying
            }
        }

        @Override
        public void endpointDown(String routePath, Endpoint endpoint, String reason) {
            safely(() -> delegate.endpointDown(routePath, endpoint, reason));
        }

        @Override
        public void attemptFailed(String routePath, Endpoint endpoint, String reason, boolean hung) {
            safely(() -> delegate.attemptFailed(routePath, endpoint, reason, hung));
        }

        @Override
        public void endpointUp(String routePath, Endpoint endpoint) {
            safely(() -> delegate.endpointUp(routePath, endpoint));
        }

        @Override
        public void failover(String routePath, Endpoint from, Endpoint to, String reason) {
            safely(() -> delegate.failover(routePath, from, to, reason));
        }

        @Override
        public void requestDone(String routePath, Endpoint endpoint, int status, long nanos) {
            safely(() -> delegate.requestDone(routePath, endpoint, status, nanos));
        }

        @Override
        public void requestFailed(String routePath, Endpoint endpoint, String reason) {
            safely(() -> delegate.requestFailed(routePath, endpoint, reason));
        }
    }
}
