package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.routes.Endpoint;
import io.karafha.routes.RouteHeaders;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.proxy.EndpointState;
import io.karafha.proxy.EndpointStatus;
import io.karafha.proxy.internal.EndpointTable;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.api.ContentResponse;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.client.util.BytesContentProvider;
import org.eclipse.jetty.client.util.FutureResponseListener;
import org.eclipse.jetty.client.util.InputStreamContentProvider;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.HttpCookieStore;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * Real HTTP over loopback: two embedded Jetty backends (A, B) and a Jetty "balancer" serving
 * {@link ProxyServlet} at /app/* for route /app.
 */
public class ProxyEngineTest {

    @Rule
    public final Timeout timeout = Timeout.seconds(30);

    private static HttpClient http;

    private Backend a;
    private Backend b;
    private Endpoint epA;
    private Endpoint epB;
    private EndpointTable table;
    private ProxyEngine engine;
    private Recorder events;
    private Server balancer;
    private int balancerPort;

    // ---------------------------------------------------------------- fixtures

    enum Mode { NORMAL, HANG, STATUS_503, KILL_AFTER_READ, DIE_MIDWAY, NOT_SERVED, LONG_STREAM }

    /** An embedded backend node; its servlet echoes what it received. */
    static final class Backend {
        final String name;
        final int port;
        final AtomicInteger hits = new AtomicInteger();
        final List<String> posts = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        volatile Mode mode = Mode.NORMAL;
        Server server;

        Backend(String name, int port) {
            this.name = name;
            this.port = port;
        }

        Backend start() throws Exception {
            server = newServer(port, new BackendServlet(this), "/*");
            return this;
        }

        void stop() throws Exception {
            release.countDown();
            if (server != null) {
                server.stop();
            }
        }
    }

    static final class BackendServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Backend node;

        BackendServlet(Backend node) {
            this.node = node;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            node.hits.incrementAndGet();
            switch (node.mode) {
                case HANG:
                    try {
                        node.release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                case STATUS_503:
                    req.getInputStream().readAllBytes();
                    resp.setStatus(503);
                    resp.setContentType("text/plain");
                    resp.getOutputStream().write(("busy " + node.name).getBytes(StandardCharsets.UTF_8));
                    return;
                case NOT_SERVED:
                    // what a backend's Jetty answers for a route it does not serve now: the body is not read
                    resp.setStatus(503);
                    resp.setHeader(RouteHeaders.NOT_SERVED, req.getHeader(RouteHeaders.ROUTE));
                    resp.getOutputStream().write("not served".getBytes(StandardCharsets.UTF_8));
                    return;
                case KILL_AFTER_READ:
                    req.getInputStream().readAllBytes();
                    node.posts.add(req.getMethod());
                    org.eclipse.jetty.server.Request.getBaseRequest(req).getHttpChannel().getEndPoint().close();
                    return;
                case LONG_STREAM:
                    // 64 MB in 64 KB chunks, slowly: a client that goes away leaves it unfinished
                    resp.setStatus(200);
                    resp.setContentType("application/octet-stream");
                    OutputStream stream = resp.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        for (int i = 0; i < 1024; i++) {
                            stream.write(chunk);
                            stream.flush();
                            Thread.sleep(5);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                case DIE_MIDWAY:
                    resp.setStatus(200);
                    OutputStream out = resp.getOutputStream();
                    out.write(new byte[256 * 1024]);
                    out.flush();
                    org.eclipse.jetty.server.Request.getBaseRequest(req).getHttpChannel().getEndPoint().close();
                    return;
                default:
                    break;
            }
            byte[] body = req.getInputStream().readAllBytes();
            if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
                node.posts.add(req.getMethod());
            }
            String query = req.getQueryString() == null ? "" : req.getQueryString();
            resp.setStatus(queryInt(query, "status", 200));
            resp.setHeader("X-Node", node.name);
            resp.setHeader("X-Method", req.getMethod());
            resp.setHeader("X-Query", query);
            resp.setHeader("X-Body-Bytes", Integer.toString(body.length));
            if (query.contains("loc=self")) {
                // an application that names its own address, as one behind no Host-preserving proxy does
                resp.setStatus(302);
                resp.setHeader("Location", "http://127.0.0.1:" + node.port + "/app/next?x=1");
            }
            if (query.contains("loc=other")) {
                resp.setStatus(302);
                resp.setHeader("Location", "http://example.org:" + node.port + "/elsewhere");
            }
            if (query.contains("hop=1")) {
                resp.setHeader("Connection", "X-Resp-Hop");
                resp.setHeader("X-Resp-Hop", "1");
                resp.setHeader("Keep-Alive", "timeout=5");
                resp.setHeader("Proxy-Authenticate", "Basic realm=\"x\"");
                resp.setHeader("X-End", "kept");
                resp.addHeader("Set-Cookie", "s=1");
                resp.addHeader("Set-Cookie", "t=2");
            }
            OutputStream out = resp.getOutputStream();
            if (body.length > 0) {
                resp.setContentType("application/octet-stream");
                for (int off = 0; off < body.length; off += 64 * 1024) {
                    out.write(body, off, Math.min(64 * 1024, body.length - off));
                }
                return;
            }
            StringBuilder text = new StringBuilder("node: " + node.name + "\nmethod: " + req.getMethod() + "\n");
            for (String name : Collections.list(req.getHeaderNames())) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    text.append("h ").append(name.toLowerCase()).append(": ").append(value).append('\n');
                }
            }
            resp.setContentType("text/plain;charset=UTF-8");
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        private static int queryInt(String query, String key, int def) {
            for (String part : query.split("&")) {
                if (part.startsWith(key + "=")) {
                    return Integer.parseInt(part.substring(key.length() + 1));
                }
            }
            return def;
        }
    }

    /** Records listener callbacks as short strings. */
    static final class Recorder implements ProxyListener {
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public void endpointDown(String routePath, Endpoint endpoint, String reason) {
            log.add("down " + endpoint.getNodeId() + " " + reason);
        }

        @Override
        public void endpointUp(String routePath, Endpoint endpoint) {
            log.add("up " + endpoint.getNodeId());
        }

        @Override
        public void failover(String routePath, Endpoint from, Endpoint to, String reason) {
            log.add("failover " + from.getNodeId() + "->" + to.getNodeId() + " " + reason);
        }

        @Override
        public void requestDone(String routePath, Endpoint endpoint, int status, long nanos) {
            log.add("done " + (endpoint == null ? "-" : endpoint.getNodeId()) + " " + status);
        }

        @Override
        public void requestFailed(String routePath, Endpoint endpoint, String reason) {
            log.add("failed " + endpoint.getNodeId() + " " + reason);
        }

        long count(String prefix) {
            return log.stream().filter(s -> s.startsWith(prefix)).count();
        }

        /** requestDone/requestFailed may run just after the client got the last byte: wait a little. */
        long awaitCount(String prefix, long expected) throws InterruptedException {
            for (int i = 0; i < 100 && count(prefix) < expected; i++) {
                Thread.sleep(20);
            }
            return count(prefix);
        }
    }

    record Reply(int status, HttpFields headers, byte[] content, long millis) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    static Server newServer(int port, HttpServlet servlet, String mapping) throws Exception {
        return newServer(port, servlet, mapping, true);
    }

    /** @param async whether the servlet supports async (the balancer registers its proxy servlets with it) */
    static Server newServer(int port, HttpServlet servlet, String mapping, boolean async) throws Exception {
        return newServer(port, servlet, mapping, async, 24);
    }

    static Server newServer(int port, HttpServlet servlet, String mapping, boolean async, int threads) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(threads, 2);
        pool.setName("test-" + port);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(async);
        context.addServlet(holder, mapping);
        server.setHandler(context);
        server.start();
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static BalancerSettings settings(String... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(BalancerSettings.CONNECT_TIMEOUT_MS, "1000");
        m.put(BalancerSettings.RESPONSE_TIMEOUT_MS, "2000");
        m.put(BalancerSettings.RETRY_INTERVAL_MS, "300");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return BalancerSettings.parse(m);
    }

    @BeforeClass
    public static void startClient() throws Exception {
        http = new HttpClient();
        http.setFollowRedirects(false);
        http.setUserAgentField(null);
        http.setCookieStore(new HttpCookieStore.Empty());
        http.start();
        http.getContentDecoderFactories().clear(); // no Accept-Encoding from the test client
    }

    @AfterClass
    public static void stopClient() throws Exception {
        http.stop();
    }

    @Before
    public void setUp() throws Exception {
        a = new Backend("A", freePort()).start();
        b = new Backend("B", freePort()).start();
        epA = Endpoint.of("nodeA", "http://127.0.0.1:" + a.port, 1);
        epB = Endpoint.of("nodeB", "http://127.0.0.1:" + b.port + "/", 2);
        table = new EndpointTable();
        table.update(List.of(epA, epB));
        engine = new ProxyEngine(settings());
        engine.start();
        events = new Recorder();
        balancerPort = freePort();
        balancer = newServer(balancerPort, new ProxyServlet("/app", () -> table, engine, events), "/app/*");
    }

    @After
    public void tearDown() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a::stop, b::stop, () -> balancer.stop(), engine::stop}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private Reply call(String method, String path, byte[] body, boolean chunked, String... headers) throws Exception {
        return send(balancerPort, method, path, body, chunked, headers);
    }

    private static Reply send(int port, String method, String path, byte[] body, boolean chunked, String... headers)
            throws Exception {
        Request r = http.newRequest("http://127.0.0.1:" + port + path).method(method).timeout(15, TimeUnit.SECONDS);
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        if (body != null) {
            r.content(chunked ? new InputStreamContentProvider(new ByteArrayInputStream(body))
                    : new BytesContentProvider(body));
        }
        FutureResponseListener listener = new FutureResponseListener(r, 16 * 1024 * 1024);
        long t0 = System.nanoTime();
        r.send(listener);
        ContentResponse cr = listener.get(15, TimeUnit.SECONDS);
        return new Reply(cr.getStatus(), cr.getHeaders(), cr.getContent(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private Reply get(String path) throws Exception {
        return call("GET", path, null, false);
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private EndpointStatus row(Endpoint e) {
        for (EndpointStatus s : table.snapshot(System.currentTimeMillis())) {
            if (s.endpoint().equals(e)) {
                return s;
            }
        }
        throw new AssertionError("no row for " + e);
    }

    // ---------------------------------------------------------------- tests

    @Test
    public void getGoesToMaster() throws Exception {
        for (int i = 0; i < 3; i++) {
            Reply r = get("/app/hello");
            assertEquals(200, r.status());
            assertTrue(r.text(), r.text().startsWith("node: A\n"));
        }
        assertEquals(0, b.hits.get());
        assertEquals(3, events.awaitCount("done nodeA 200", 3));
        assertEquals(0, events.count("down"));
    }

    @Test
    public void finishedExchangesLeaveNothingScheduled() throws Exception {
        // a task left pending per exchange holds the whole exchange until it runs: at thousands of
        // requests per second that fills the heap and makes long collector pauses. The pooled
        // connections' idle checks stay scheduled: that number must not grow with the exchanges.
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get("/app/hello").status());
        }
        assertEquals(5, events.awaitCount("done nodeA 200", 5));
        Thread.sleep(50);
        int connections = engine.pendingTasks();
        for (int i = 0; i < 50; i++) {
            assertEquals(200, get("/app/hello").status());
        }
        assertEquals(55, events.awaitCount("done nodeA 200", 55));
        long until = System.currentTimeMillis() + 300; // well under the one-second release wait
        while (engine.pendingTasks() > connections && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertTrue("tasks still scheduled after 50 finished exchanges: " + engine.pendingTasks() + ", before them: "
                + connections, engine.pendingTasks() <= connections);
    }

    @Test
    public void queryStringAndStatusesPassThrough() throws Exception {
        Reply created = get("/app/items?x=1&y=a%20b&status=201");
        assertEquals(201, created.status());
        assertEquals("x=1&y=a%20b&status=201", created.header("X-Query"));
        assertEquals("A", created.header("X-Node"));

        Reply missing = get("/app/missing?status=404");
        assertEquals(404, missing.status());
        assertEquals("A", missing.header("X-Node"));

        Reply error = get("/app/broken?status=500"); // not in failover.on.status
        assertEquals(500, error.status());
        assertEquals("A", error.header("X-Node"));

        Reply head = call("HEAD", "/app/hello", null, false);
        assertEquals(200, head.status());
        assertEquals("HEAD", head.header("X-Method"));
        assertEquals(0, head.content().length);

        assertEquals(0, b.hits.get());
        assertEquals(EndpointState.LIVE, row(epA).state());
    }

    @Test
    public void hopByHopHeadersDroppedBothWaysAndForwardedHeadersAdded() throws Exception {
        Reply direct = send(a.port, "GET", "/app/h?hop=1", null, false);
        assertEquals("sanity: the backend does send them", "1", direct.header("X-Resp-Hop"));
        assertNotNull(direct.header("Keep-Alive"));

        Reply r = call("GET", "/app/h?hop=1", null, false,
                "Connection", "X-Hop", "X-Hop", "secret", "Keep-Alive", "timeout=5",
                "Proxy-Authorization", "Basic Zm9vOmJhcg==", "TE", "trailers",
                "X-Forwarded-For", "10.1.2.3", "Via", "1.0 edge", "Cookie", "sid=42", "X-Custom", "yes");
        assertEquals(200, r.status());
        String seen = r.text();
        assertTrue(seen, seen.contains("h x-custom: yes\n"));
        assertTrue(seen, seen.contains("h cookie: sid=42\n"));
        assertTrue("a client's own X-Forwarded-For is not passed on: " + seen, seen.contains("h x-forwarded-for: 127.0.0.1\n"));
        assertTrue(seen, seen.contains("h x-forwarded-proto: http\n"));
        assertTrue(seen, seen.contains("h x-forwarded-host: 127.0.0.1:" + balancerPort + "\n"));
        assertTrue(seen, seen.contains("h x-forwarded-port: " + balancerPort + "\n"));
        assertTrue(seen, seen.contains("h via: 1.0 edge, 1.1 karaf-ha\n"));
        assertTrue("the client's Host reaches the backend: " + seen, seen.contains("h host: 127.0.0.1:" + balancerPort + "\n"));
        for (String dropped : List.of("x-hop", "keep-alive", "proxy-authorization", "te", "connection",
                "user-agent", "accept-encoding")) {
            assertFalse(dropped + " in " + seen, seen.contains("h " + dropped));
        }

        assertEquals("kept", r.header("X-End"));
        assertEquals(List.of("s=1", "t=2"), r.headers().getValuesList("Set-Cookie"));
        assertNull(r.header("X-Resp-Hop"));
        assertNull(r.header("Keep-Alive"));
        assertNull(r.header("Proxy-Authenticate"));
    }

    @Test
    public void clientHostIsPreservedUnlessSwitchedOff() throws Exception {
        String seen = call("GET", "/app/h", null, false, "Host", "shop.example.com:8443").text();
        assertTrue(seen, seen.contains("h host: shop.example.com:8443\n"));
        assertTrue(seen, seen.contains("h x-forwarded-host: shop.example.com:8443\n"));

        engine.reconfigure(settings(BalancerSettings.PRESERVE_HOST, "false"));
        seen = call("GET", "/app/h", null, false, "Host", "shop.example.com:8443").text();
        assertTrue("preserve.host=false sends the backend's address: " + seen, seen.contains("h host: 127.0.0.1:" + a.port + "\n"));
        assertTrue(seen, seen.contains("h x-forwarded-host: shop.example.com:8443\n"));
    }

    @Test
    public void clientForwardedHeadersAreReplacedNotPassedOn() throws Exception {
        String seen = call("GET", "/app/h", null, false, "X-Forwarded-For", "6.6.6.6", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.example", "X-Forwarded-Port", "1", "Forwarded", "for=6.6.6.6;proto=https",
                "X-Real-IP", "6.6.6.6").text();
        assertFalse(seen, seen.contains("6.6.6.6"));
        assertFalse(seen, seen.contains("evil.example"));
        assertFalse(seen, seen.contains("h forwarded:"));
        assertTrue(seen, seen.contains("h x-forwarded-proto: http\n"));
        assertTrue(seen, seen.contains("h x-forwarded-port: " + balancerPort + "\n"));
    }

    @Test
    public void locationNamingTheBackendIsRewrittenToTheBalancer() throws Exception {
        Reply r = call("GET", "/app/r?loc=self", null, false);
        assertEquals(302, r.status());
        assertEquals("http://127.0.0.1:" + balancerPort + "/app/next?x=1", r.header("Location"));

        r = call("GET", "/app/r?loc=self", null, false, "Host", "shop.example.com");
        assertEquals("http://shop.example.com/app/next?x=1", r.header("Location"));

        r = call("GET", "/app/r?loc=other", null, false);
        assertEquals("another host's Location passes unchanged", "http://example.org:" + a.port + "/elsewhere", r.header("Location"));
    }

    @Test
    public void malformedChunkedBodyGets400() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", balancerPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /app/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
            out.write("5\r\nhello\r\nZZ-not-hex\r\nxx\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 400 Bad Request", status);
        }
        assertEquals("a client error does not mark a backend down", EndpointState.LIVE, row(epA).state());
    }

    @Test
    public void largeBodiesStreamBothWays() throws Exception {
        byte[] data = random(5 * 1024 * 1024);
        for (boolean chunked : new boolean[] {false, true}) {
            Reply r = call("POST", "/app/echo", data, chunked);
            assertEquals(200, r.status());
            assertEquals("A", r.header("X-Node"));
            assertEquals(Integer.toString(data.length), r.header("X-Body-Bytes"));
            assertArrayEquals("chunked=" + chunked, data, r.content());
        }
    }

    @Test
    public void stoppedMasterFailsOverWithoutErrors() throws Exception {
        assertEquals("A", get("/app/hello").header("X-Node"));
        a.stop();
        for (int i = 0; i < 5; i++) {
            Reply r = get("/app/hello?i=" + i);
            assertEquals(200, r.status());
            assertEquals("B", r.header("X-Node"));
        }
        List<EndpointStatus> rows = table.snapshot(System.currentTimeMillis());
        assertEquals(epB, rows.get(0).endpoint());
        assertEquals(epA, rows.get(1).endpoint());
        assertEquals(EndpointState.DOWN, rows.get(1).state());
        assertEquals(1, events.count("down nodeA"));
        assertTrue(events.log.toString(), events.count("failover nodeA->nodeB") >= 1);
    }

    @Test
    public void hungBackendIsDetectedByResponseTimeout() throws Exception {
        engine.reconfigure(settings(BalancerSettings.RESPONSE_TIMEOUT_MS, "500",
                BalancerSettings.RETRY_INTERVAL_MS, "60000"));
        a.mode = Mode.HANG;
        Reply r = get("/app/slow");
        System.out.println("[measure] hung master answered by B after " + r.millis() + " ms (response.timeout.ms=500)");
        assertEquals(200, r.status());
        assertEquals("B", r.header("X-Node"));
        assertTrue("took " + r.millis() + " ms", r.millis() < 1500);
        assertEquals(EndpointState.DOWN, row(epA).state());
        assertTrue(row(epA).reason(), row(epA).reason().contains("TimeoutException"));

        Reply again = get("/app/slow");
        System.out.println("[measure] next request straight to B after " + again.millis() + " ms");
        assertEquals("B", again.header("X-Node"));
        assertTrue("took " + again.millis() + " ms", again.millis() < 400);
        assertEquals(1, a.hits.get());
    }

    @Test
    public void failureStatusFailsOver() throws Exception {
        a.mode = Mode.STATUS_503;
        Reply r = get("/app/hello");
        assertEquals(200, r.status());
        assertEquals("B", r.header("X-Node"));
        assertEquals(EndpointState.DOWN, row(epA).state());
        assertEquals("HTTP 503", row(epA).reason());
        assertEquals(1, events.count("failover nodeA->nodeB HTTP 503"));
    }

    @Test
    public void failureStatusFromLastBackendPassesThroughUnchanged() throws Exception {
        a.mode = Mode.STATUS_503;
        b.mode = Mode.STATUS_503;
        Reply r = get("/app/hello");
        assertEquals(503, r.status());
        assertEquals("busy B", r.text());
        assertEquals(1, a.hits.get());
        assertEquals(1, b.hits.get());
    }

    @Test
    public void postIsNotReplayedAfterBackendReadTheBody() throws Exception {
        a.mode = Mode.KILL_AFTER_READ;
        Reply r = call("POST", "/app/orders", random(10_000), false);
        assertEquals(502, r.status());
        assertTrue(r.text(), r.text().startsWith("Bad gateway: "));
        assertEquals(List.of("POST"), a.posts);
        assertEquals(0, b.hits.get());
        assertEquals(EndpointState.DOWN, row(epA).state());
        assertEquals(0, events.count("failover"));
    }

    @Test
    public void postFailsOverWhenMasterRefusesConnections() throws Exception {
        a.stop();
        byte[] data = random(100_000);
        for (boolean chunked : new boolean[] {false, true}) {
            Reply r = call("POST", "/app/orders", data, chunked);
            assertEquals(200, r.status());
            assertEquals("B", r.header("X-Node"));
            assertArrayEquals(data, r.content());
        }
        assertEquals(List.of("POST", "POST"), b.posts);
    }

    @Test
    public void bothDownGives503ThenRestartedEndpointIsRestored() throws Exception {
        engine.reconfigure(settings(BalancerSettings.UNAVAILABLE_WAIT_MS, "0"));
        a.stop();
        b.stop();
        Reply r = get("/app/hello");
        System.out.println("[measure] both backends down: 503 after " + r.millis() + " ms (connect.timeout.ms=1000)");
        assertEquals(503, r.status());
        assertTrue("took " + r.millis() + " ms", r.millis() < 1500);
        assertEquals("No live backend for /app\n", r.text());
        assertEquals("1", r.header("Retry-After"));
        assertTrue(r.header("Content-Type"), r.header("Content-Type").startsWith("text/plain"));

        Reply fast = get("/app/hello"); // both DOWN: plan is empty
        assertEquals(503, fast.status());
        assertEquals("No live backend for /app\n", fast.text());

        Backend restarted = new Backend("A2", a.port).start();
        try {
            Reply ok = null;
            for (int i = 0; i < 40 && (ok == null || ok.status() != 200); i++) {
                Thread.sleep(50);
                ok = get("/app/hello");
            }
            assertEquals(200, ok.status());
            assertEquals("A2", ok.header("X-Node"));
            assertEquals(EndpointState.LIVE, row(epA).state());
            assertEquals(1, events.count("up nodeA"));
        } finally {
            restarted.stop();
        }
    }

    @Test
    public void notServedMovesEvenAPostWithItsBodyToTheNextEndpoint() throws Exception {
        a.mode = Mode.NOT_SERVED;
        byte[] body = random(100_000);
        Reply r = call("POST", "/app/upload", body, true);
        assertEquals(200, r.status());
        assertEquals("B", r.header("X-Node"));
        assertEquals("100000", r.header("X-Body-Bytes"));
        assertArrayEquals(body, r.content());
        assertEquals(null, r.header(RouteHeaders.NOT_SERVED));
        assertEquals(List.of(), a.posts);
        assertEquals(List.of("POST"), b.posts);
        assertEquals(1, events.count("failover nodeA->nodeB not serving /app now"));
        // skipped for a short while only (as a follower, like any failed endpoint): once it serves
        // again it takes requests again
        a.mode = Mode.NORMAL;
        Thread.sleep(Forwarding.NOT_SERVED_RETRY_MS + 100);
        b.mode = Mode.NOT_SERVED;
        assertEquals("A", get("/app/hello").header("X-Node"));
    }

    @Test
    public void theRouteHeaderIsTheBalancersOwnAndAForgedOneIsDropped() throws Exception {
        Request request = http.newRequest("127.0.0.1", balancerPort).path("/app/hello").header(RouteHeaders.ROUTE, "/forged")
                .header("X-Karaf-HA-Not-Served", "/x");
        String text = request.send().getContentAsString();
        assertTrue(text, text.contains("h x-karaf-ha-route: /app\n"));
        assertFalse(text, text.contains("/forged"));
        assertFalse(text, text.contains("x-karaf-ha-not-served"));
    }

    @Test
    public void anApplications404PassesThroughAndIsNotRetried() throws Exception {
        Reply r = get("/app/missing?status=404");
        assertEquals(404, r.status());
        assertEquals("A", r.header("X-Node"));
        assertEquals(0, b.hits.get());
    }

    @Test
    public void aRouteWithNoEndpointMakesRequestsWaitUntilOneComesBack() throws Exception {
        engine.reconfigure(settings(BalancerSettings.UNAVAILABLE_WAIT_MS, "4000"));
        a.stop();
        b.stop();
        java.util.concurrent.CompletableFuture<Reply> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return get("/app/hello");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(700);
        Backend restarted = new Backend("A2", a.port).start();
        try {
            Reply r = waiting.get(10, TimeUnit.SECONDS);
            System.out.println("[measure] both backends down, one back after 700 ms: 200 after " + r.millis() + " ms");
            assertEquals(200, r.status());
            assertEquals("A2", r.header("X-Node"));
            assertTrue("took " + r.millis() + " ms", r.millis() >= 600 && r.millis() < 2500);
        } finally {
            restarted.stop();
        }
    }

    @Test
    public void theWaitIsBoundedAndEndsIn503WithRetryAfter() throws Exception {
        engine.reconfigure(settings(BalancerSettings.UNAVAILABLE_WAIT_MS, "400"));
        a.stop();
        b.stop();
        Reply r = get("/app/hello");
        assertEquals(503, r.status());
        assertEquals("1", r.header("Retry-After"));
        assertTrue("took " + r.millis() + " ms", r.millis() >= 350 && r.millis() < 2000);
        for (int i = 0; i < 50 && engine.waiting() > 0; i++) {
            Thread.sleep(20);   // the servlet thread leaves the wait just after the answer went out
        }
        assertEquals(0, engine.waiting());
    }

    @Test
    public void requestBodyAboveLimitIs413() throws Exception {
        engine.reconfigure(settings(BalancerSettings.MAX_REQUEST_BYTES, "1000"));
        Reply declared = call("POST", "/app/upload", random(5000), false);
        assertEquals(413, declared.status());
        assertEquals(0, a.hits.get() + b.hits.get());

        Reply streamed = call("POST", "/app/upload", random(5000), true);
        assertEquals(413, streamed.status());
        assertEquals(List.of(), a.posts);
        assertEquals(0, events.count("down"));

        assertEquals(200, call("POST", "/app/upload", random(1000), true).status());
    }

    @Test
    public void roundRobinAlternates() throws Exception {
        engine.reconfigure(settings(BalancerSettings.POLICY, "round-robin"));
        StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            nodes.append(get("/app/rr").header("X-Node"));
        }
        assertEquals("ABAB", nodes.toString());
    }

    @Test
    public void reconfiguringConnectTimeoutKeepsServing() throws Exception {
        assertEquals(200, get("/app/x").status());
        engine.reconfigure(settings(BalancerSettings.CONNECT_TIMEOUT_MS, "1500"));
        assertEquals(1500, engine.getSettings().getConnectTimeoutMs());
        assertEquals(200, get("/app/x").status());
    }

    @Test
    public void brokenStreamingResponseAbortsClientConnection() throws Exception {
        a.mode = Mode.DIE_MIDWAY;
        try {
            Reply r = get("/app/download");
            fail("expected an aborted response, got " + r.status() + " with " + r.content().length + " bytes");
        } catch (ExecutionException expected) {
            // the client sees a broken response, not a complete-looking truncated one
        }
        assertEquals(0, b.hits.get());
        assertEquals(1, events.awaitCount("failed nodeA response aborted", 1));
    }

    @Test
    public void missingTableGives503() throws Exception {
        Server other = newServer(0, new ProxyServlet("/app", () -> null, engine, null), "/app/*");
        try {
            int port = ((ServerConnector) other.getConnectors()[0]).getLocalPort();
            Reply r = send(port, "GET", "/app/x", null, false);
            assertEquals(503, r.status());
            assertEquals("No live backend for /app\n", r.text());
        } finally {
            other.stop();
        }
    }

    @Test
    public void requestsWaitingForABackendHoldNoBalancerThread() throws Exception {
        int n = 40;
        CountDownLatch all = new CountDownLatch(n);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        HttpServlet slow = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                all.countDown();
                try {
                    all.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                concurrent.decrementAndGet();
                resp.getOutputStream().write("ok".getBytes(StandardCharsets.UTF_8));
            }
        };
        int slowPort = freePort();
        Server backend = newServer(slowPort, slow, "/*", true, n + 20);
        EndpointTable slowTable = new EndpointTable();
        slowTable.update(List.of(Endpoint.of("slow", "http://127.0.0.1:" + slowPort, 1)));
        // 12 threads: an acceptor, a selector and about ten for requests
        Server small = newServer(0, new ProxyServlet("/app", () -> slowTable, engine, events), "/app/*", true, 12);
        try {
            int port = ((ServerConnector) small.getConnectors()[0]).getLocalPort();
            List<FutureResponseListener> replies = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Request r = http.newRequest("http://127.0.0.1:" + port + "/app/slow?i=" + i).timeout(15, TimeUnit.SECONDS);
                FutureResponseListener listener = new FutureResponseListener(r);
                r.send(listener);
                replies.add(listener);
            }
            for (FutureResponseListener reply : replies) {
                ContentResponse cr = reply.get(15, TimeUnit.SECONDS);
                assertEquals(200, cr.getStatus());
                assertEquals("ok", cr.getContentAsString());
            }
            System.out.println("[measure] " + n + " requests through a balancer with 12 threads: " + peak.get()
                    + " at the backend at once");
            assertEquals("all requests reached the backend at once, none waited for a balancer thread", n, peak.get());
        } finally {
            small.stop();
            backend.stop();
        }
    }

    @Test
    public void withoutAsyncSupportTheServletThreadWaitsAndEveryRuleStillHolds() throws Exception {
        Server blocking = newServer(0, new ProxyServlet("/app", () -> table, engine, events), "/app/*", false);
        try {
            int port = ((ServerConnector) blocking.getConnectors()[0]).getLocalPort();
            assertEquals("A", send(port, "GET", "/app/hello", null, false).header("X-Node"));
            byte[] data = random(1024 * 1024);
            Reply echoed = send(port, "POST", "/app/echo", data, true);
            assertEquals(200, echoed.status());
            assertArrayEquals(data, echoed.content());

            a.mode = Mode.DIE_MIDWAY;
            try {
                Reply r = send(port, "GET", "/app/download", null, false);
                fail("expected an aborted response, got " + r.status() + " with " + r.content().length + " bytes");
            } catch (ExecutionException expected) {
                // aborted, as with async support
            }
            a.stop();
            Reply failedOver = send(port, "GET", "/app/hello", null, false);
            assertEquals(200, failedOver.status());
            assertEquals("B", failedOver.header("X-Node"));
        } finally {
            blocking.stop();
        }
    }

    @Test
    public void aClientThatGoesAwayMidResponseEndsTheBackendExchange() throws Exception {
        a.mode = Mode.LONG_STREAM;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", balancerPort)) {
            socket.getOutputStream().write("GET /app/download HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 512 * 1024) {
                int n = in.read(buffer);
                assertTrue("the response ended early after " + read + " bytes", n > 0);
                read += n;
            }
            socket.setSoLinger(true, 0); // a reset, as a client that crashed
        }
        assertEquals(events.log.toString(), 1, events.awaitCount("failed nodeA client gone after", 1));
        for (int i = 0; i < 100 && engine.inFlight().count("nodeA") > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals("no request counted in flight once the client left", 0, engine.inFlight().count("nodeA"));
        assertEquals(EndpointState.LIVE, row(epA).state());
        assertEquals(0, events.count("down"));
        a.mode = Mode.NORMAL;
        assertEquals(200, get("/app/hello").status()); // and the proxy still serves
    }
}
