package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runners.MethodSorters;

/**
 * WebSocket through the balancer on the three real nodes of ./karaf-ha: the demo echo
 * (feature ha-demo-websocket, javax.websocket on Pax Web 8) on both backends, the JDK's WebSocket
 * client (java.net.http) as the user's client. About 3 minutes, most of it the cluster start.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BalancerWebSocketIT {

    private static final LocalCluster cluster = new LocalCluster();
    private static final int BALANCER = LocalCluster.httpPort("balancer");
    /** The balancer's response.timeout.ms (default): an open WebSocket of a killed backend closes within it. */
    private static final long RESPONSE_TIMEOUT_MS = 5000;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
        // installed on karaf1; the feature sync carries it to karaf2
        cluster.installOnBackends("ha-demo-websocket", "/ws/");
        cluster.awaitOnBalancer("/ws/");
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }

    /** A JDK WebSocket with the text messages and the close it received. */
    static final class Echo implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        volatile long closedAt;
        WebSocket ws;

        static Echo open(int port) throws Exception {
            Echo echo = new Echo();
            echo.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/echo"), echo).get(10, TimeUnit.SECONDS);
            return echo;
        }

        String ask(String text) throws Exception {
            ws.sendText(text, true).get(5, TimeUnit.SECONDS);
            String answer = messages.poll(5, TimeUnit.SECONDS);
            assertNotNull("no answer to " + text, answer);
            return answer;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAt = System.currentTimeMillis();
            closed.complete("close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedAt = System.currentTimeMillis();
            closed.complete("error " + error);
        }

        void abort() {
            ws.abort();
        }
    }

    private static String node(String answer) {
        return answer.substring(0, answer.indexOf(':'));
    }

    @Test
    public void a_echoThroughTheBalancerIsAnsweredByTheMasterAndAnUnsupportedUpgradeGets400ButH2cIsIgnored() throws Exception {
        // the route /ws has its own order: the node that registered it first is its master
        Echo first = Echo.open(BALANCER);
        String master = node(first.ask("who"));
        first.abort();
        assertTrue(master, master.equals("karaf1") || master.equals("karaf2"));
        List<Long> direct = new ArrayList<>();
        List<Long> balanced = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            Echo d = Echo.open(LocalCluster.httpPort(master));
            direct.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
            assertEquals(master + ": direct " + i, d.ask("direct " + i));
            d.abort();
            long t1 = System.nanoTime();
            Echo b = Echo.open(BALANCER);
            balanced.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t1));
            assertEquals(master + ": through " + i, b.ask("through " + i));
            b.abort();
        }
        List<Long> echoDirect = echoes(LocalCluster.httpPort(master), master, "d");
        List<Long> echoBalanced = echoes(BALANCER, master, "b");
        Collections.sort(direct);
        Collections.sort(balanced);
        System.out.printf("WebSocket handshake (connect + 101), 10 each: direct to %s median %.1f ms max %.1f ms, "
                        + "through the balancer median %.1f ms max %.1f ms; echo round trip, 50 on one WebSocket each, all by %s: "
                        + "direct median %.2f ms max %.2f ms, through the balancer median %.2f ms max %.2f ms%n",
                master, direct.get(5) / 1000.0, direct.get(9) / 1000.0, balanced.get(5) / 1000.0, balanced.get(9) / 1000.0, master,
                echoDirect.get(25) / 1000.0, echoDirect.get(49) / 1000.0, echoBalanced.get(25) / 1000.0, echoBalanced.get(49) / 1000.0);

        try (Socket s = new Socket("127.0.0.1", BALANCER)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                    + "Upgrade: TLS/1.0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String status = statusLine(s.getInputStream());
            assertTrue("TLS/1.0 upgrade: " + status, status.startsWith("HTTP/1.1 400"));
        }
        // Java's HttpClient offers h2c on every plain-http request: ignored, answered over HTTP/1.1
        java.net.http.HttpResponse<String> plain = http.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + BALANCER + "/ws/")).version(HttpClient.Version.HTTP_2).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(plain.body(), 200, plain.statusCode());
        assertTrue(plain.body(), plain.body().startsWith("WebSocket echo at /ws/echo, node "));
    }

    @Test
    public void b_killOfTheMasterClosesItsWebSocketAndTheClientReconnectsToTheSurvivor() throws Exception {
        Echo ws = Echo.open(BALANCER);
        String master = node(ws.ask("before"));
        String follower = master.equals("karaf1") ? "karaf2" : "karaf1";
        long killStart = System.currentTimeMillis();
        cluster.karafHa(60, "kill", master);
        long killed = System.currentTimeMillis();
        String end = ws.closed.get(RESPONSE_TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS);
        long closeMs = ws.closedAt - killStart;
        assertTrue("the WebSocket closed " + closeMs + " ms after the kill began: " + end, closeMs <= RESPONSE_TIMEOUT_MS);
        assertTrue("the client gets close code 1011 (server error): " + end, end.startsWith("close 1011"));

        long deadline = System.currentTimeMillis() + 30_000;
        int failures = 0;
        String answer = null;
        List<String> errors = new ArrayList<>();
        while (answer == null && System.currentTimeMillis() < deadline) {
            try {
                Echo again = Echo.open(BALANCER);
                answer = again.ask("after");
                again.abort();
            } catch (Exception e) {
                failures++;
                errors.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
                Thread.sleep(100);
            }
        }
        long reconnectedMs = System.currentTimeMillis() - killed;
        assertEquals("the reconnect is answered by the survivor (failed tries: " + errors + ")", follower + ": after", answer);
        System.out.printf("kill -9 of %s (the command took %d ms): its WebSocket through the balancer ended '%s' %d ms after "
                        + "the kill began; reconnect answered by %s %d ms after the kill, %d failed reconnects %s%n",
                master, killed - killStart, end, closeMs, follower, reconnectedMs, failures, errors);
        assertEquals("reconnects that failed: " + errors, 0, failures);
    }

    /** 50 echoes on one WebSocket, each answered by {@code node}, then a normal close: the sorted round trips in µs. */
    private static List<Long> echoes(int port, String node, String tag) throws Exception {
        Echo one = Echo.open(port);
        List<Long> rtt = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            String answer = one.ask(tag + i);
            rtt.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
            assertEquals(node + ": " + tag + i, answer);
        }
        one.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        assertTrue(one.closed.get(5, TimeUnit.SECONDS), one.closed.get().startsWith("close 1000"));
        Collections.sort(rtt);
        return rtt;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
