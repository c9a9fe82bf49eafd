package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * A stock Karaf 4.4.10 with etc-backend/ copied in: feature:repo-add of this project's features
 * repository (which names Apache CXF 3.6's), then feature:install ha-cxf-failover ha-cxf-demo.
 * Foo is served under /cxf/Foo and its absolute address is in the cluster registry under demo/fo.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CxfFeaturesIT extends StockKarafSupport {

    @Configuration
    public Option[] config() {
        int hazelcast = freePort();
        List<Option> options = stockKaraf("backend", "cxf-under-test", freePort(), hazelcast, "127.0.0.1:" + hazelcast);
        return options.toArray(new Option[0]);
    }

    @Test(timeout = 400_000)
    public void cxfFailoverAndDemoInstallFromTheFeaturesRepositoryAndFooIsRegistered() throws Exception {
        install("ha-cxf-failover", "ha-cxf-demo", "ha-cxf-demo-client");
        for (String bsn : new String[] {"io.karafha.cxf", "io.karafha.cxf.demo", "org.apache.cxf.cxf-rt-features-clustering",
                "org.apache.cxf.cxf-rt-frontend-jaxws", "org.apache.karaf.cellar.hazelcast"}) {
            Bundle b = bundle(bsn);
            assertNotNull(bsn + " is installed", b);
            assertEquals(bsn + " is active", Bundle.ACTIVE, b.getState());
        }
        String expected = "http://127.0.0.1:" + httpPort() + "/cxf/Foo";
        await("Foo's address " + expected + " is registered under demo/fo", 120_000, () -> addresses().contains(expected));
        await("the CXF servlet serves Foo's WSDL", 30_000, () -> getQuietly("/cxf/Foo?wsdl").startsWith("200\n"));
        String answer = soap(expected, "<f:whoAreYou xmlns:f=\"http://karafha.io/cxf/demo\"/>");
        assertTrue(answer, answer.startsWith("200\n") && answer.contains(">cxf-under-test<"));
        assertTrue("Foo logged its publication", logContains("Foo published at /Foo on cxf-under-test, registry path demo/fo"));
    }

    private List<?> addresses() {
        try {
            ServiceReference<?> ref = bundleContext.getServiceReference("io.karafha.registry.EndpointRegistry");
            if (ref == null) {
                return List.of();
            }
            Object registry = bundleContext.getService(ref);
            return (List<?>) registry.getClass().getMethod("addresses", String.class, String.class).invoke(registry, "cxf", "demo/fo");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return List.of();
        }
    }

    private static String soap(String url, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setDoOutput(true);
        c.setConnectTimeout(2000);
        c.setReadTimeout(10_000);
        c.setRequestProperty("Content-Type", "text/xml; charset=UTF-8");
        c.setRequestProperty("SOAPAction", "\"\"");
        byte[] envelope = ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" + body
                + "</soap:Body></soap:Envelope>").getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = c.getOutputStream()) {
            out.write(envelope);
        }
        int status = c.getResponseCode();
        byte[] answer = (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        return status + "\n" + new String(answer, StandardCharsets.UTF_8);
    }
}
