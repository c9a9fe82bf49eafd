package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runners.MethodSorters;

/**
 * Real applications behind the balancer, on the three real nodes of ./karaf-ha (all on loopback,
 * so the balancer, the trusted proxy, is 127.0.0.1): Apache CXF (feature ha-cxf-demo) and the demo
 * servlet on both backends. A client that must look different from the balancer connects from
 * 127.0.0.2 (any 127/8 address is loopback on Linux).
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BalancerHeadersIT {

    private static final LocalCluster cluster = new LocalCluster();
    private static final int BALANCER = LocalCluster.httpPort("balancer");
    private static final String CLIENT_IP = "127.0.0.2";
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
        cluster.installOnBackends("ha-cxf-demo", "/cxf/Foo?wsdl");
        cluster.awaitOnBalancer("/cxf/Foo?wsdl");
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }


    /** A raw HTTP/1.1 exchange from {@code fromIp}: status line, headers (lower-case names) and body. */
    static final class Raw {
        final String status;
        final Map<String, String> headers = new LinkedHashMap<>();
        final String body;

        Raw(String status, BufferedReader in) throws IOException {
            this.status = status;
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
            }
            StringBuilder b = new StringBuilder();
            while ((line = in.readLine()) != null) {
                b.append(line).append('\n');
            }
            body = b.toString();
        }
    }

    static Raw raw(String fromIp, int port, String path, String... headers) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(fromIp), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nConnection: close\r\n");
            boolean host = false;
            for (int i = 0; i < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                host |= headers[i].equalsIgnoreCase("Host");
            }
            if (!host) {
                req.append("Host: 127.0.0.1:").append(port).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            return new Raw(in.readLine(), in);
        }
    }

    @Test(timeout = 60_000)
    public void a_cxfWsdlAndServiceListNameTheBalancer() throws Exception {
        String wsdl = cluster.get("balancer", "/cxf/Foo?wsdl");
        assertTrue(wsdl, wsdl.startsWith("200\n"));
        assertTrue(wsdl, wsdl.contains("location=\"http://127.0.0.1:" + BALANCER + "/cxf/Foo\""));
        String list = cluster.get("balancer", "/cxf/");
        assertTrue(list, list.startsWith("200\n"));
        assertTrue(list, list.contains("http://127.0.0.1:" + BALANCER + "/cxf/Foo"));
        for (String backend : List.of("karaf1", "karaf2")) {
            String port = ":" + LocalCluster.httpPort(backend) + "/";
            assertFalse("the WSDL names no backend: " + wsdl, wsdl.contains(port));
            assertFalse("the service list names no backend: " + list, list.contains(port));
        }
        // the Host the client used, not only the balancer's own address
        Raw named = raw("127.0.0.1", BALANCER, "/cxf/Foo?wsdl", "Host", "soap.example.com:" + BALANCER);
        assertTrue(named.status, named.status.contains(" 200 "));
        assertTrue(named.body, named.body.contains("location=\"http://soap.example.com:" + BALANCER + "/cxf/Foo\""));
    }

    @Test(timeout = 60_000)
    public void b_theBackendSeesTheRealClientAndAddressAndItsRedirectNamesTheBalancer() throws Exception {
        Raw hello = raw(CLIENT_IP, BALANCER, "/hello");
        assertTrue(hello.status, hello.status.contains(" 200 "));
        assertTrue(hello.body, hello.body.contains("client: " + CLIENT_IP + "\n"));
        assertTrue(hello.body, hello.body.contains("scheme: http\n"));
        assertTrue(hello.body, hello.body.contains("url: http://127.0.0.1:" + BALANCER + "/hello\n"));

        Raw redirect = raw(CLIENT_IP, BALANCER, "/hello?redirect", "Host", "shop.example.com:" + BALANCER);
        assertTrue(redirect.status, redirect.status.contains(" 302 "));
        assertEquals("http://shop.example.com:" + BALANCER + "/hello", redirect.headers.get("location"));
        System.out.println("through the balancer: " + hello.body.replace('\n', ' ') + "; redirect " + redirect.headers.get("location"));
    }

    @Test(timeout = 60_000)
    public void c_aForgedXForwardedForSentStraightToABackendIsNotTrusted() throws Exception {
        int backend = LocalCluster.httpPort("karaf1");
        Raw forged = raw(CLIENT_IP, backend, "/hello", "X-Forwarded-For", "203.0.113.66", "X-Forwarded-Proto", "https",
                "Forwarded", "for=203.0.113.66;proto=https");
        assertTrue(forged.status, forged.status.contains(" 200 "));
        assertTrue(forged.body, forged.body.contains("client: " + CLIENT_IP + "\n"));
        assertTrue(forged.body, forged.body.contains("scheme: http\n"));
        // and through the balancer a client's own X-Forwarded-For does not become its address either
        Raw through = raw(CLIENT_IP, BALANCER, "/hello", "X-Forwarded-For", "203.0.113.66");
        assertTrue(through.body, through.body.contains("client: " + CLIENT_IP + "\n"));
        // malformed forwarded headers: ignored, never an error
        Raw bad = raw("127.0.0.1", backend, "/hello", "X-Forwarded-Port", "nope", "Forwarded", "for=\"[::1;;proto==");
        assertTrue(bad.status, bad.status.contains(" 200 "));
    }

    private static final String SOAP = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
            + "<ns:whoAreYou xmlns:ns=\"http://karafha.io/cxf/demo\"/></soap:Body></soap:Envelope>";
    private static final Pattern RETURN = Pattern.compile("<return>([^<]*)</return>");

    /** One SOAP call to the address the WSDL advertises: the node that answered, or FAILED ... */
    private static String whoAreYou(URI address) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(address).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"\"")
                    .POST(HttpRequest.BodyPublishers.ofString(SOAP)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = RETURN.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? m.group(1) : "FAILED " + r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "FAILED " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "FAILED " + e;
        }
    }

    @Test(timeout = 240_000)
    public void d_aSoapClientBuiltFromTheWsdlOnTheBalancerSurvivesKillMinus9OfTheMaster() throws Exception {
        String wsdl = cluster.get("balancer", "/cxf/Foo?wsdl");
        Matcher m = Pattern.compile("soap:address location=\"([^\"]+)\"").matcher(wsdl);
        assertTrue(wsdl, m.find());
        URI address = URI.create(m.group(1));
        assertEquals("the client's address is the balancer", BALANCER, address.getPort());
        String master = whoAreYou(address);
        assertTrue(master, master.equals("karaf1") || master.equals("karaf2"));
        String follower = master.equals("karaf1") ? "karaf2" : "karaf1";

        List<long[]> times = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            long end = System.currentTimeMillis() + 15_000;
            for (int i = 0; i < 400 && System.currentTimeMillis() < end; i++) {
                long start = System.currentTimeMillis();
                String who = whoAreYou(address);
                synchronized (answers) {
                    times.add(new long[] {start, System.currentTimeMillis()});
                    answers.add(who);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.sleep(3000);
        long killStart = System.currentTimeMillis();
        cluster.karafHa(60, "kill", master);
        long killed = System.currentTimeMillis();
        stream.get(60, TimeUnit.SECONDS);
        int before = 0;
        int after = 0;
        long worst = 0;
        for (int i = 0; i < answers.size(); i++) {
            long start = times.get(i)[0];
            long end = times.get(i)[1];
            if (end < killStart) {
                assertEquals(answers.toString(), master, answers.get(i));
                before++;
            } else if (start > killed) {
                assertEquals("every call started after the kill succeeds, on the follower: " + answers, follower, answers.get(i));
                after++;
                worst = Math.max(worst, end - start);
            }
        }
        long failed = answers.stream().filter(a -> a.startsWith("FAILED")).count();
        assertTrue(answers.toString(), before > 10 && after > 10);
        System.out.printf("SOAP client from the WSDL on the balancer: %d calls before the kill of %s, %d after (all by %s), "
                + "%d failed in all, slowest call after the kill %d ms%n", before, master, after, follower, failed, worst);
    }
}
