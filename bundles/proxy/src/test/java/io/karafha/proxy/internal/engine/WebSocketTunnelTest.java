package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.karafha.routes.Endpoint;
import io.karafha.proxy.internal.EndpointTable;
import org.eclipse.jetty.server.Server;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * WebSocket through the balancer over real loopback sockets: a Jetty "balancer" serving
 * {@link ProxyServlet} at /app/*, and socket backends that answer the handshake 101 and then
 * answer each chunk they receive with one text frame "NAME:chunk" (the tunnel copies bytes, it
 * does not care what they are).
 */
public class WebSocketTunnelTest {

    @Rule
    public final Timeout timeout = Timeout.seconds(30);

    /** A socket backend: 101 (or {@code status}), then one frame per chunk read. */
    static final class WsBackend implements AutoCloseable {
        final String name;
        final ServerSocket server;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final CountDownLatch clientGone = new CountDownLatch(1);
        volatile int status = 101;

        WsBackend(String name) throws IOException {
            this.name = name;
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "ws-backend-" + name);
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                heads.add(readHead(in));
                if (status != 101) {
                    out.write(("HTTP/1.1 " + status + " Nope\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope").getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: accept-" + name + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] buf = new byte[1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(frame(name + ":" + new String(buf, 0, n, StandardCharsets.UTF_8)));
                }
                clientGone.countDown();
            } catch (IOException e) {
                clientGone.countDown();
            }
        }

        /** Like a killed process: every open connection closes at once. */
        void dropConnections() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            dropConnections();
        }
    }

    private WsBackend a;
    private WsBackend b;
    private EndpointTable table;
    private ProxyEngine engine;
    private ProxyEngineTest.Recorder events;
    private Server balancer;
    private int balancerPort;

    @Before
    public void setUp() throws Exception {
        a = new WsBackend("A");
        b = new WsBackend("B");
        table = new EndpointTable();
        table.update(List.of(Endpoint.of("nodeA", "http://127.0.0.1:" + a.port(), 1),
                Endpoint.of("nodeB", "http://127.0.0.1:" + b.port(), 2)));
        engine = new ProxyEngine(ProxyEngineTest.settings());
        engine.start();
        events = new ProxyEngineTest.Recorder();
        balancerPort = ProxyEngineTest.freePort();
        balancer = ProxyEngineTest.newServer(balancerPort, new ProxyServlet("/app", () -> table, engine, events), "/app/*");
    }

    @After
    public void tearDown() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, () -> balancer.stop(), engine::stop}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    public void echoGoesThroughTheTunnelToTheMasterWithTheClientsHandshakeAndForwardedHeaders() throws Exception {
        try (Socket client = handshake("websocket")) {
            String head = readHead(client.getInputStream());
            assertTrue(head, head.startsWith("HTTP/1.1 101"));
            assertTrue(head, head.toLowerCase().contains("upgrade: websocket"));
            assertTrue(head, head.contains("Sec-WebSocket-Accept: accept-A"));
            String seen = a.heads.get(0).toLowerCase();
            for (String h : new String[] {"get /app/ws/echo?x=1 http/1.1", "upgrade: websocket", "connection: upgrade",
                    "sec-websocket-key: dghlihnhbxbszsbub25jzq==", "sec-websocket-version: 13", "host: example.test:8181",
                    "x-forwarded-for: 127.0.0.1", "x-karaf-ha-route: /app"}) {
                assertTrue(h + " in " + seen, seen.contains(h));
            }
            assertTrue("the client's X-Forwarded-For is not passed on: " + seen, !seen.contains("6.6.6.6"));
            for (int i = 0; i < 3; i++) {
                client.getOutputStream().write(("hello" + i).getBytes(StandardCharsets.UTF_8));
                assertEquals("A:hello" + i, readText(client.getInputStream()));
            }
            assertEquals(1, engine.websockets().open());
        }
        assertTrue("the backend's connection closes with the client's", a.clientGone.await(5, TimeUnit.SECONDS));
        waitFor(() -> engine.websockets().open() == 0);
        assertEquals(0, b.heads.size());
    }

    @Test
    public void aHandshakeTheMasterRefusesMovesToTheNextEndpoint() throws Exception {
        a.close();
        try (Socket client = handshake("websocket")) {
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 101"));
            client.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
            assertEquals("B:hi", readText(client.getInputStream()));
        }
        assertEquals(1, engine.websockets().handshakeFailovers());
        assertEquals(1, events.count("failover nodeA->nodeB"));
    }

    @Test
    public void anOpenWebSocketWhoseBackendDiesIsClosedWith1011AndTheNextOneLandsOnTheSurvivor() throws Exception {
        try (Socket client = handshake("websocket")) {
            InputStream in = client.getInputStream();
            assertTrue(readHead(in).startsWith("HTTP/1.1 101"));
            client.getOutputStream().write("one".getBytes(StandardCharsets.UTF_8));
            assertEquals("A:one", readText(in));
            long killed = System.nanoTime();
            a.close();
            int b0 = in.read();
            int len = in.read();
            int code = (in.read() << 8) | in.read();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertEquals("close frame", 0x88, b0);
            assertEquals(1011, code);
            in.readNBytes(len - 2);
            assertEquals("then the socket closes", -1, in.read());
            System.out.println("[measure] backend lost: client got close 1011 and EOF after " + ms + " ms");
        }
        assertEquals(1, engine.websockets().backendLost());
        try (Socket client = handshake("websocket")) {
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 101"));
            client.getOutputStream().write("two".getBytes(StandardCharsets.UTF_8));
            assertEquals("B:two", readText(client.getInputStream()));
        }
    }

    @Test
    public void anUnsupportedUpgradeGets400NamingItAndAnH2cOfferIsIgnored() throws Exception {
        try (Socket client = handshake("TLS/1.0")) {
            String answer = readAnswer(client.getInputStream());
            assertTrue(answer, answer.startsWith("HTTP/1.1 400"));
            assertTrue(answer, answer.contains("'tls/1.0'"));
        }
        try (Socket client = raw("POST /app/ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Content-Length: 0\r\n\r\n")) {
            String answer = readAnswer(client.getInputStream());
            assertTrue(answer, answer.startsWith("HTTP/1.1 400"));
            assertTrue(answer, answer.contains("only WebSocket"));
        }
        assertEquals(0, a.heads.size());
        assertEquals(2, engine.websockets().refused());
        // what Java's HttpClient sends on plain http: served as HTTP/1.1, the offer not passed on
        a.status = 200;
        try (Socket client = raw("GET /app/plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n\r\n")) {
            String answer = readAnswer(client.getInputStream());
            assertTrue(answer, answer.startsWith("HTTP/1.1 200"));
            assertTrue(answer, answer.endsWith("nope"));
        }
        String seen = a.heads.get(0).toLowerCase();
        assertTrue(seen, seen.startsWith("get /app/plain") && !seen.contains("upgrade") && !seen.contains("http2-settings"));
    }

    @Test
    public void aHandshakeTheBackendRefusesIsPassedOn() throws Exception {
        a.status = 404;
        try (Socket client = handshake("websocket")) {
            String answer = readAnswer(client.getInputStream());
            assertTrue(answer, answer.startsWith("HTTP/1.1 404"));
            assertTrue(answer, answer.endsWith("nope"));
        }
    }

    // ---------------------------------------------------------------- helpers

    private Socket handshake(String protocol) throws IOException {
        return raw("GET /app/ws/echo?x=1 HTTP/1.1\r\nHost: example.test:8181\r\nUpgrade: " + protocol + "\r\n"
                + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
    }

    private Socket raw(String request) throws IOException {
        Socket s = new Socket("127.0.0.1", balancerPort);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return s;
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** @return head and Content-Length body of a plain HTTP answer */
    static String readAnswer(InputStream in) throws IOException {
        String head = readHead(in);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static byte[] frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[2 + payload.length];
        f[0] = (byte) 0x81;
        f[1] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 2, payload.length);
        return f;
    }

    /** @return the payload of one small unmasked text frame */
    static String readText(InputStream in) throws IOException {
        int b0 = in.read();
        int len = in.read() & 0x7F;
        assertEquals("text frame", 0x81, b0);
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean());
    }
}
