package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Operating the cluster as a Karaf user does, on the three real nodes of ./karaf-ha: every
 * karaf-ha:* shell command, the io.karafha:type=balancer MBean over Karaf's real RMI JMX connector,
 * the web console page in headless Chromium, /karaf-ha/health, counters and log lines.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class OperationsIT {

    private static final LocalCluster cluster = new LocalCluster();
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Rule
    public TestWatcher dumpLogsOnFailure = cluster.dumpLogsOnFailure();

    @BeforeClass
    public static void up() throws Exception {
        cluster.startFresh();
        cluster.awaitHelloServedBy("karaf1", 60_000);
    }

    @AfterClass
    public static void down() throws Exception {
        cluster.karafHa(120, "down");
    }

    private static String password() throws IOException {
        return Files.readString(cluster.home().resolve("admin.password")).trim();
    }

    /** A shell command that must fail: Karaf ends the SSH session with a non-zero status; returns what it printed. */
    private static String shellError(String node, String command) throws Exception {
        try {
            String out = cluster.shell(node, command);
            throw new IllegalStateException("'" + command + "' on " + node + " did not fail:\n" + out);
        } catch (AssertionError e) {
            return e.getMessage().replaceAll("\u001B\\[[;\\d]*m", "");
        }
    }

    private static String balancerLog() throws IOException {
        return Files.readString(cluster.home().resolve("balancer/data/log/karaf.log"));
    }

    @Test(timeout = 120_000)
    public void a_healthReportsRoutes() throws Exception {
        String balancer = cluster.get("balancer", "/karaf-ha/health");
        assertTrue(balancer, balancer.startsWith("200\n"));
        assertTrue(balancer, balancer.contains("\"ready\":true"));
        assertTrue(balancer, balancer.contains("\"role\":\"balancer\""));
        assertTrue(balancer, balancer.contains("\"routes\":{\"readable\":true"));
        assertTrue(balancer, balancer.matches("(?s).*\"known\":[1-9].*\"local\":[1-9].*"));
        String karaf1 = cluster.get("karaf1", "/karaf-ha/health");
        assertTrue(karaf1, karaf1.startsWith("200\n") && karaf1.contains("\"role\":\"backend\""));
        assertTrue(karaf1, karaf1.matches("(?s).*\"known\":[1-9].*\"local\":[1-9].*"));
        System.out.println("[sample] /karaf-ha/health on balancer: " + balancer.split("\n", 2)[1].trim());
        System.out.println("[sample] /karaf-ha/health on karaf1: " + karaf1.split("\n", 2)[1].trim());
    }

    @Test(timeout = 120_000)
    public void b_routesCommand() throws Exception {
        String out = cluster.shell("balancer", "karaf-ha:routes");
        System.out.println("[sample] balancer> karaf-ha:routes\n" + out);
        assertTrue(out, out.contains("role balancer"));
        assertTrue(out, out.matches("(?s).*/hello\\s+\\|\\s+failover\\s+\\|\\s+karaf1\\s+\\|.*"));
        assertTrue(out, out.matches("(?s).*/hello\\s+\\|\\s+1 \\*\\s+\\|\\s+karaf1\\s+\\|\\s+http://127\\.0\\.0\\.1:9182\\s+\\|\\s+live.*"));
        assertTrue(out, out.matches("(?s).*/hello\\s+\\|\\s+2\\s+\\|\\s+karaf2\\s+\\|\\s+http://127\\.0\\.0\\.1:9183\\s+\\|\\s+live.*"));

        String backend = cluster.shell("karaf1", "karaf-ha:routes");
        System.out.println("[sample] karaf1> karaf-ha:routes\n" + backend);
        assertTrue(backend, backend.contains("role backend"));
        assertTrue(backend, backend.contains("It publishes:"));
        assertTrue(backend, backend.matches("(?s).*/hello\\s+\\|\\s+http://127\\.0\\.0\\.1:9182\\s+\\|\\s+load-balancer\\s+\\|\\s+1 of 2.*"));
    }

    @Test(timeout = 120_000)
    public void c_countersCountEveryRequest() throws Exception {
        try (JMXConnector jmx = jmx()) {
            long before = routeCounter(jmx.getMBeanServerConnection(), "/hello", "requests");
            for (int i = 0; i < 20; i++) {
                assertEquals("karaf1", cluster.helloServedBy());
            }
            long after = routeCounter(jmx.getMBeanServerConnection(), "/hello", "requests");
            assertEquals("requests counted for /hello", 20, after - before);
            assertEquals(0, routeCounter(jmx.getMBeanServerConnection(), "/hello", "failures"));
        }
    }

    @Test(timeout = 180_000)
    public void d_settingsCommands() throws Exception {
        String settings = cluster.shell("balancer", "karaf-ha:settings");
        System.out.println("[sample] balancer> karaf-ha:settings\n" + settings);
        assertTrue(settings, settings.matches("(?s).*retry\\.interval\\.ms\\s+\\|\\s+10000.*"));
        assertTrue(settings, settings.matches("(?s).*proxy\\s+\\|\\s+true.*"));

        Path cfg = cluster.home().resolve("balancer/etc/io.karafha.balancer.cfg");
        String cfgBefore = Files.readString(cfg);
        String bad = shellError("balancer", "karaf-ha:settings-set retry.interval.ms soon");
        System.out.println("[sample] balancer> karaf-ha:settings-set retry.interval.ms soon\n" + bad);
        assertTrue(bad, bad.contains("Invalid value 'soon' for balancer setting 'retry.interval.ms': expected an integer from 0 to 86400000; nothing changed"));
        String unknown = shellError("balancer", "karaf-ha:settings-set retry.intervall.ms 5");
        assertTrue(unknown, unknown.contains("Unknown balancer setting 'retry.intervall.ms'"));
        Thread.sleep(1500);
        assertEquals("a rejected value leaves the cfg file alone", cfgBefore, Files.readString(cfg));

        String good = cluster.shell("balancer", "karaf-ha:settings-set retry.interval.ms 4000 response.timeout.ms 3000");
        System.out.println("[sample] balancer> karaf-ha:settings-set retry.interval.ms 4000 response.timeout.ms 3000\n" + good);
        assertTrue(good, good.contains("retry.interval.ms = 4000"));
        long deadline = System.currentTimeMillis() + 15_000;
        while (!(balancerLog().contains("retry.interval.ms=4000") && balancerLog().contains("response.timeout.ms=3000"))) {
            assertTrue("the balancer did not take the new settings", System.currentTimeMillis() < deadline);
            Thread.sleep(200);
        }
        String after = cluster.shell("balancer", "karaf-ha:settings");
        assertTrue(after, after.matches("(?s).*retry\\.interval\\.ms\\s+\\|\\s+4000.*"));
        deadline = System.currentTimeMillis() + 10_000;
        while (!Files.readString(cfg).matches("(?s).*retry\\.interval\\.ms\\s*=\\s*4000.*")) {
            assertTrue("etc/io.karafha.balancer.cfg was not written:\n" + Files.readString(cfg), System.currentTimeMillis() < deadline);
            Thread.sleep(200);
        }
        assertTrue(Files.readString(cfg), Files.readString(cfg).matches("(?s).*proxy\\s*=\\s*true.*"));
    }

    @Test(timeout = 120_000)
    public void e_drainAndRestoreFromTheShell() throws Exception {
        String drained = cluster.shell("balancer", "karaf-ha:drain /hello karaf1");
        System.out.println("[sample] balancer> karaf-ha:drain /hello karaf1\n" + drained);
        assertTrue(drained, drained.contains("/hello: karaf1 http://127.0.0.1:9182 drained"));
        for (int i = 0; i < 10; i++) {
            assertEquals("a drained endpoint gets no request", "karaf2", cluster.helloServedBy());
        }
        String routes = cluster.shell("balancer", "karaf-ha:routes");
        System.out.println("[sample] balancer> karaf-ha:routes (karaf1 drained)\n" + routes);
        assertTrue(routes, routes.matches("(?s).*\\|\\s+karaf1\\s+\\|\\s+http://127\\.0\\.0\\.1:9182\\s+\\|\\s+drained.*"));
        assertTrue(routes, routes.matches("(?s).*/hello\\s+\\|\\s+failover\\s+\\|\\s+karaf2\\s+\\|.*"));

        String noSuch = shellError("balancer", "karaf-ha:drain /hello karaf3");
        assertTrue(noSuch, noSuch.contains("Route /hello has no endpoint 'karaf3'"));
        String notHere = shellError("karaf1", "karaf-ha:drain /hello karaf2");
        assertTrue(notHere, notHere.contains("This node proxies no route"));

        String restored = cluster.shell("balancer", "karaf-ha:restore /hello karaf1");
        System.out.println("[sample] balancer> karaf-ha:restore /hello karaf1\n" + restored);
        assertTrue(restored, restored.contains("/hello: karaf1 http://127.0.0.1:9182 restored"));
        for (int i = 0; i < 5; i++) {
            assertEquals("a restored endpoint comes back as a follower", "karaf2", cluster.helloServedBy());
        }
        routes = cluster.shell("balancer", "karaf-ha:routes");
        assertTrue(routes, routes.matches("(?s).*/hello\\s+\\|\\s+2\\s+\\|\\s+karaf1\\s+\\|\\s+http://127\\.0\\.0\\.1:9182\\s+\\|\\s+live.*"));
        String log = balancerLog();
        assertTrue(log.contains("Route /hello: endpoint http://127.0.0.1:9182 (127.0.0.1:6702) drained by hand"));
        assertTrue(log.contains("Route /hello: endpoint http://127.0.0.1:9182 (127.0.0.1:6702) restored by hand"));
    }

    private static JMXConnector jmx() throws Exception {
        // Karaf's RMI connector (etc/org.apache.karaf.management.cfg): registry 1099 + offset, the node's name
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + (1099 + LocalCluster.OFFSET) + "/karaf-balancer");
        return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", password()}));
    }

    private static long routeCounter(MBeanServerConnection c, String path, String counter) throws Exception {
        TabularData routes = (TabularData) c.getAttribute(new ObjectName("io.karafha:type=balancer"), "Routes");
        CompositeData row = routes.get(new Object[] {path});
        assertTrue("no row for " + path + " in " + routes, row != null);
        return (Long) row.get(counter);
    }

    @Test(timeout = 120_000)
    public void f_mbeanOverRealJmx() throws Exception {
        try (JMXConnector jmx = jmx()) {
            MBeanServerConnection c = jmx.getMBeanServerConnection();
            ObjectName name = new ObjectName("io.karafha:type=balancer");
            assertEquals("balancer", c.getAttribute(name, "Role"));
            TabularData endpoints = (TabularData) c.getAttribute(name, "Endpoints");
            CompositeData first = endpoints.get(new Object[] {"/hello", 1});
            assertEquals("karaf2", first.get("node"));
            assertEquals(Boolean.TRUE, first.get("master"));
            assertEquals("live", endpoints.get(new Object[] {"/hello", 2}).get("state"));
            String[] settings = (String[]) c.getAttribute(name, "Settings");
            assertTrue(String.join("\n", settings), java.util.Arrays.asList(settings).contains("retry.interval.ms = 4000"));
            String[] nodes = (String[]) c.getAttribute(name, "Nodes");
            assertEquals(String.join("\n", nodes), 3, nodes.length);

            String[] done = (String[]) c.invoke(name, "drain", new Object[] {"/hello", "karaf2"}, new String[] {"java.lang.String", "java.lang.String"});
            assertEquals("/hello: karaf2 http://127.0.0.1:9183 drained", done[0]);
            for (int i = 0; i < 5; i++) {
                assertEquals("karaf1", cluster.helloServedBy());
            }
            endpoints = (TabularData) c.getAttribute(name, "Endpoints");
            CompositeData drainedRow = endpoints.get(new Object[] {"/hello", 1});
            assertEquals("a drained endpoint keeps its place", "karaf2", drainedRow.get("node"));
            assertEquals("drained", drainedRow.get("state"));
            assertEquals(Boolean.FALSE, drainedRow.get("master"));
            c.invoke(name, "restore", new Object[] {"/hello", "127.0.0.1:6703"}, new String[] {"java.lang.String", "java.lang.String"});
            assertEquals("karaf1", cluster.helloServedBy());
            try {
                c.invoke(name, "setSetting", new Object[] {"policy", "random"}, new String[] {"java.lang.String", "java.lang.String"});
                fail("an invalid policy was accepted over JMX");
            } catch (Exception e) {
                String text = String.valueOf(e) + " " + String.valueOf(e.getCause());
                assertTrue(text, text.contains("Invalid value 'random' for balancer setting 'policy'"));
            }
            System.out.println("[sample] JMX io.karafha:type=balancer Endpoints: " + ((TabularData) c.getAttribute(name, "Endpoints")).values());
        }
    }

    private static HttpResponse<String> consoleRequest(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String consoleUrl(String rest) {
        return "http://127.0.0.1:" + LocalCluster.httpPort("balancer") + "/system/console/karaf-ha" + rest;
    }

    @Test(timeout = 120_000)
    public void g_consolePageIsProtected() throws Exception {
        assertEquals("the page needs the console login", 401, consoleRequest(HttpRequest.newBuilder(URI.create(consoleUrl("")))).statusCode());
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> data = consoleRequest(HttpRequest.newBuilder(URI.create(consoleUrl("/data.json"))).header("Authorization", auth));
        assertEquals(200, data.statusCode());
        assertTrue(data.body(), data.body().contains("\"path\":\"/hello\""));
        String form = "action=drain&path=%2Fhello&endpoint=karaf1";
        HttpResponse<String> noHeader = consoleRequest(HttpRequest.newBuilder(URI.create(consoleUrl("/action"))).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals("a POST without the page's header is refused: " + noHeader.body(), 403, noHeader.statusCode());
        HttpResponse<String> foreign = consoleRequest(HttpRequest.newBuilder(URI.create(consoleUrl("/action"))).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Karaf-HA", "1")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals("a cross-origin POST is refused: " + foreign.body(), 403, foreign.statusCode());
        assertEquals("nothing was drained", "karaf1", cluster.helloServedBy());
    }

    @Test(timeout = 180_000)
    public void h_consolePageInChromium() throws Exception {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            fail("Headless Chromium is needed for the web console test: " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing. Install them with: apt-get install chromium chromium-driver");
        }
        Path profile = Files.createTempDirectory("karaf-ha-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build();
        WebDriver browser = new ChromeDriver(service, options);
        Path shot = Path.of(System.getProperty("build.dir", "target"), "screenshots", "karaf-ha-console.png");
        try {
            browser.get("http://admin:" + password() + "@127.0.0.1:" + LocalCluster.httpPort("balancer") + "/system/console/karaf-ha");
            // the page re-renders its tables every 2 s: an element found before a refresh goes stale,
            // so every wait finds its element again, and clicks are retried on a fresh one
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class);
            By drainKaraf1 = By.cssSelector("button[data-action='drain'][data-path='/hello'][data-node='karaf1']");
            wait.until(d -> !d.findElements(drainKaraf1).isEmpty());
            String page = browser.findElement(By.id("karaf-ha")).getText();
            assertTrue(page, page.contains("/hello") && page.contains("karaf1") && page.contains("karaf2"));
            assertTrue(page, page.contains("load-balancer") && page.contains("web"));
            assertTrue(page, page.contains("balancer (this node)"));
            assertEquals("karaf1", cluster.helloServedBy());

            wait.until(d -> {
                d.findElement(drainKaraf1).click();
                return true;
            });
            By karaf1State = By.cssSelector("#kh-routes tr[data-path='/hello'][data-node='karaf1'] td[data-state]");
            wait.until(d -> "drained".equals(d.findElement(karaf1State).getAttribute("data-state")));
            assertEquals("after the click, /hello is answered by the other backend", "karaf2", cluster.helloServedBy());
            wait.until(d -> d.findElement(By.id("kh-message")).getText().contains("drained"));
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            System.out.println("[artefact] screenshot of the page: " + shot.toAbsolutePath());

            By restoreKaraf1 = By.cssSelector("button[data-action='restore'][data-path='/hello'][data-node='karaf1']");
            wait.until(d -> {
                d.findElement(restoreKaraf1).click();
                return true;
            });
            wait.until(d -> "live".equals(d.findElement(karaf1State).getAttribute("data-state")));
            assertEquals("restored behind karaf2", "karaf2", cluster.helloServedBy());
        } catch (RuntimeException | AssertionError e) {
            Files.createDirectories(shot.getParent());
            Files.write(shot.resolveSibling("karaf-ha-console-failure.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            try {
                // leave no drain behind for the next test
                cluster.shell("balancer", "karaf-ha:restore /hello karaf1");
            } catch (Exception | AssertionError ignored) {
                // not drained: nothing to undo
            }
            throw e;
        } finally {
            browser.quit();
        }
    }

    @Test(timeout = 180_000)
    public void i_hungMasterIsShownCountedAndLogged() throws Exception {
        assertEquals("karaf2", cluster.helloServedBy());
        long pid = cluster.pid("karaf2");
        FailoverIT.signal("STOP", pid);
        try {
            // karaf2 takes the connection and answers nothing: after response.timeout.ms (3 s) the request moves on
            assertEquals("the request fails over to karaf1", "karaf1", cluster.helloServedBy());
            String routes = cluster.shell("balancer", "karaf-ha:routes");
            System.out.println("[sample] balancer> karaf-ha:routes (karaf2 stopped with SIGSTOP)\n" + routes);
            assertTrue(routes, routes.matches("(?s).*/hello\\s+\\|\\s+failover\\s+\\|\\s+karaf1\\s+\\|\\s+\\d+\\s+\\|\\s+0\\s+\\|\\s+1\\s.*"));
            assertTrue(routes, routes.matches("(?s).*\\|\\s+karaf2\\s+\\|\\s+http://127\\.0\\.0\\.1:9183\\s+\\|\\s+hung until \\d\\d:\\d\\d:\\d\\d \\(.*Timeout.*\\|\\s+\\d+\\s+\\|\\s+1\\s+\\|\\s+1\\s.*"));
            try (JMXConnector jmx = jmx()) {
                assertEquals(1, routeCounter(jmx.getMBeanServerConnection(), "/hello", "failovers"));
            }
        } finally {
            FailoverIT.signal("CONT", pid);
        }
        String log = balancerLog();
        assertTrue(log.contains("Route /hello: endpoint http://127.0.0.1:9183 (127.0.0.1:6703) is down: "));
        assertTrue(log.contains("Route /hello: failover from http://127.0.0.1:9183 to http://127.0.0.1:9182 ("));
        assertTrue(log.contains("Route /hello added: endpoints"));
        assertFalse("no drain left behind", cluster.shell("balancer", "karaf-ha:routes").contains("drained"));
    }
}
