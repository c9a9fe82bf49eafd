package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** A stock Karaf 4.4.10 with etc-balancer/ copied in installs ha-balancer: Cellar, HTTP and the web console. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BalancerFeaturesIT extends StockKarafSupport {

    @Configuration
    public Option[] config() {
        int hazelcast = freePort();
        List<Option> options = stockKaraf("balancer", "balancer-under-test", freePort(), hazelcast, "127.0.0.1:" + hazelcast);
        return options.toArray(new Option[0]);
    }

    @Test(timeout = 300_000)
    public void balancerInstallsWithWebConsoleAndNoApplication() throws Exception {
        install("ha-balancer");

        for (String bsn : new String[] {"org.apache.karaf.cellar.core", "org.apache.karaf.cellar.hazelcast",
                "org.apache.karaf.cellar.shell", "io.karafha.node", "org.apache.karaf.webconsole.console",
                "io.karafha.routes", "io.karafha.proxy", "io.karafha.operations"}) {
            Bundle b = bundle(bsn);
            assertNotNull(bsn + " is installed", b);
            assertEquals(bsn + " is active", Bundle.ACTIVE, b.getState());
        }
        assertNull("the balancer runs no application", bundle("io.karafha.demo"));

        await("the node is ready", 60_000, () -> getQuietly("/karaf-ha/health").startsWith("200\n"));
        String health = get("/karaf-ha/health");
        assertTrue(health, health.contains("\"node\":\"balancer-under-test\""));
        assertTrue(health, health.contains("\"groups\":[\"load-balancer\"]"));

        // the web console is there and asks for a login: stock Karaf 4.4 has no user, so nobody gets in
        await("the web console answers", 60_000, () -> getQuietly("/system/console").startsWith("401\n"));
        assertTrue(get("/hello").startsWith("404\n"));
    }
}
