package io.karafha.cxf.test;

import java.util.concurrent.atomic.AtomicInteger;

import javax.jws.WebService;

@WebService(endpointInterface = "io.karafha.cxf.test.Greeter", targetNamespace = "http://karafha.io/cxf/test", serviceName = "Greeter")
public class GreeterImpl implements Greeter {

    private final String name;
    public final AtomicInteger calls = new AtomicInteger();
    /** node() answers after this many ms: a hung server. */
    public volatile long hang;

    public GreeterImpl(String name) {
        this.name = name;
    }

    @Override
    public String node() {
        calls.incrementAndGet();
        if (hang > 0) {
            sleep(hang);
        }
        return name;
    }

    @Override
    public String slow(long millis) {
        calls.incrementAndGet();
        sleep(millis);
        return name;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String fail(String message) throws GreeterFault {
        calls.incrementAndGet();
        GreeterFaultInfo info = new GreeterFaultInfo();
        info.node = name;
        throw new GreeterFault(message + " from " + name, info);
    }
}
