package io.karafha.cxf.demo;

import java.util.concurrent.atomic.AtomicLong;

import javax.jws.WebService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Foo on this node; one log line per call, so a node's log shows what it served. */
@WebService(endpointInterface = "io.karafha.cxf.demo.Foo", targetNamespace = "http://karafha.io/cxf/demo", serviceName = "FooService")
public class FooImpl implements Foo {

    static final long MAX_MILLIS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(FooImpl.class);

    private final String node;
    private final AtomicLong calls = new AtomicLong();

    public FooImpl(String node) {
        this.node = node;
    }

    public static String localNodeName() {
        return System.getProperty("karaf.name", "unknown");
    }

    @Override
    public String whoAreYou() {
        LOG.info("Foo.whoAreYou served on {} (call {})", node, calls.incrementAndGet());
        return node;
    }

    @Override
    public String slow(long millis) {
        LOG.info("Foo.slow({}) served on {} (call {})", millis, node, calls.incrementAndGet());
        try {
            Thread.sleep(Math.max(0, Math.min(millis, MAX_MILLIS)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return node;
    }

    @Override
    public String fault(String message) throws FooFault {
        LOG.info("Foo.fault served on {} (call {})", node, calls.incrementAndGet());
        FooFaultInfo info = new FooFaultInfo();
        info.node = node;
        throw new FooFault(message + " (from " + node + ")", info);
    }
}
