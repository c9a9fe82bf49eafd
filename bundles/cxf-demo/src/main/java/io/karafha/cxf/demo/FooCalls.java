package io.karafha.cxf.demo;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.ws.BindingProvider;

import io.karafha.cxf.ClusterFailoverFeature;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;

/**
 * A Foo client with the cluster failover feature, and a loop that calls it and prints, per call,
 * who answered; shared by the shell command and the plain-Java main.
 */
public final class FooCalls {

    /** Operation to call: who (whoAreYou), slow (slow(millis)), fault (fault). */
    public String op = "who";
    public long millis = 3000;
    public int count = 10;
    public long intervalMillis;
    public long connectTimeoutMillis = 2000;
    public long receiveTimeoutMillis = 5000;

    /** A client proxy of Foo following the feature's path; the address it is built with is never called. */
    public static Foo client(ClusterFailoverFeature feature, long connectTimeoutMillis, long receiveTimeoutMillis) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(FooCalls.class.getClassLoader());
        try {
            JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
            factory.setServiceClass(Foo.class);
            factory.setAddress("http://localhost/cluster/" + feature.getPath());
            factory.getFeatures().add(feature);
            Foo foo = (Foo) factory.create();
            Map<String, Object> rc = ((BindingProvider) foo).getRequestContext();
            rc.put("javax.xml.ws.client.connectionTimeout", connectTimeoutMillis);
            rc.put("javax.xml.ws.client.receiveTimeout", receiveTimeoutMillis);
            return foo;
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    /** The addresses the client's failover follows, in order (master first). */
    public static java.util.List<String> endpoints(Foo foo) {
        return ClusterFailoverFeature.endpoints(ClientProxy.getClient(foo));
    }

    public static void close(Foo foo) {
        Client client = ClientProxy.getClient(foo);
        client.destroy();
    }

    /** Calls count times; one line per call ("call 3: karaf2 in 4 ms (t=...)"), then a summary. @return failed calls */
    public int run(Foo foo, PrintStream out) throws InterruptedException {
        Map<String, Integer> answered = new TreeMap<>();
        int failed = 0;
        long worst = 0;
        for (int i = 1; i <= count; i++) {
            long t0 = System.nanoTime();
            String line;
            try {
                String node = call(foo);
                answered.merge(node, 1, Integer::sum);
                line = node;
            } catch (FooFault fault) {
                answered.merge("fault from " + fault.getFaultInfo().node, 1, Integer::sum);
                line = "fault from " + fault.getFaultInfo().node + ": " + fault.getMessage();
            } catch (RuntimeException e) {
                failed++;
                line = "FAILED " + rootCause(e);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            worst = Math.max(worst, ms);
            out.printf("call %d: %s in %d ms (t=%d)%n", i, line, ms, System.currentTimeMillis());
            out.flush();
            if (intervalMillis > 0 && i < count) {
                Thread.sleep(intervalMillis);
            }
        }
        out.printf("%d calls: %s, failed %d, worst %d ms%n", count, answered, failed, worst);
        return failed;
    }

    private String call(Foo foo) throws FooFault {
        switch (op) {
            case "who":
                return foo.whoAreYou();
            case "slow":
                return foo.slow(millis);
            case "fault":
                return foo.fault("demo fault");
            default:
                throw new IllegalArgumentException("--op '" + op + "': expected who, slow or fault");
        }
    }

    static String rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String top = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        return (r == t ? top : top + " (" + r + ")").replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
