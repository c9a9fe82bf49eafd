package io.karafha.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A stock Karaf 4.4.10 with etc-backend/ copied in, but with three mistakes in it a user could
 * make: a handler flag "maybe", a group "webb" nobody configured and a Hazelcast member nobody
 * listens on. The backend and demo features install from the features repository, the node works,
 * and the log names each mistake by file and key.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackendFeaturesIT extends StockKarafSupport {

    static final String NODE_CFG = "etc/org.apache.karaf.cellar.node.cfg";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        int hazelcast = freePort();
        int nobody = freePort();
        List<Option> options = stockKaraf("backend", "backend-under-test", freePort(), hazelcast,
                "127.0.0.1:" + hazelcast + ",127.0.0.1:" + nobody, Map.of(
                        "handler.org.apache.karaf.cellar.bundle.BundleEventHandler", "maybe",
                        "groups", "load-balancer, web, webb"));
        options.add(systemProperty("karaf.ha.test.unreachable").value("127.0.0.1:" + nobody));
        return options.toArray(new Option[0]);
    }

    @Test(timeout = 300_000)
    public void backendAndDemoInstallAndServeWithConfigSync() throws Exception {
        install("ha-backend", "ha-demo");

        for (String bsn : new String[] {"org.apache.karaf.cellar.core", "org.apache.karaf.cellar.hazelcast",
                "org.apache.karaf.cellar.bundle", "io.karafha.features", "io.karafha.config",
                "org.apache.karaf.cellar.shell", "io.karafha.node", "io.karafha.demo",
                "io.karafha.routes", "io.karafha.proxy", "io.karafha.operations"}) {
            Bundle b = bundle(bsn);
            assertNotNull(bsn + " is installed", b);
            assertEquals(bsn + " is active", Bundle.ACTIVE, b.getState());
        }

        await("/hello answers from this node", 60_000, () -> getQuietly("/hello").startsWith("200\n"));
        String hello = get("/hello");
        assertTrue(hello, hello.contains("node: backend-under-test"));
        assertTrue(hello, hello.contains("message: Hello"));

        // the demo configuration is live: a change shows up in /hello
        org.osgi.service.cm.Configuration demo = configAdmin.getConfiguration("io.karafha.demo", null);
        Dictionary<String, Object> props = demo.getProperties() == null ? new Hashtable<>() : demo.getProperties();
        props.put("message", "changed here");
        demo.update(props);
        await("/hello shows the changed message", 10_000, () -> getQuietly("/hello").contains("message: changed here"));

        // the three mistakes are named in the log by file and key, and the node still serves
        await("a log line names the handler flag 'maybe'", 30_000, () -> logContains(
                NODE_CFG + ": key 'handler.org.apache.karaf.cellar.bundle.BundleEventHandler' has value 'maybe'"));
        await("a log line names the group 'webb'", 30_000, () -> logContains(
                NODE_CFG + ": key 'groups' names group 'webb' that does not exist in etc/org.apache.karaf.cellar.groups.cfg"));
        String unreachable = System.getProperty("karaf.ha.test.unreachable");
        await("a log line names the unreachable Hazelcast member", 90_000, () -> logContains(
                "etc/hazelcast.xml: network/join/tcp-ip member '" + unreachable + "' is not reachable"));
        assertTrue(get("/hello").startsWith("200\n"));
        assertTrue(get("/karaf-ha/health").contains("\"ready\":true"));
    }
}
