package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertEquals;

import io.karafha.routes.Endpoint;
import io.karafha.proxy.internal.engine.RouteCounters.Count;

import org.junit.Test;

public class RouteCountersTest {

    private final Endpoint a = Endpoint.of("127.0.0.1:5702", "http://127.0.0.1:8182", 1);
    private final Endpoint b = Endpoint.of("127.0.0.1:5703", "http://127.0.0.1:8183", 2);

    @Test
    public void countsPerPathAndEndpoint() {
        RouteCounters c = new RouteCounters();
        c.requestDone("/hello", a, 200, 1);
        c.attemptFailed("/hello", a, "java.net.ConnectException", false);
        c.failover("/hello", a, b, "java.net.ConnectException");
        c.requestDone("/hello", b, 200, 1);
        c.requestDone("/hello", null, 503, 1);
        c.requestFailed("/hello", b, "response aborted");
        assertEquals(new Count(4, 2, 1), c.of("/hello"));
        assertEquals(new Count(1, 1, 1), c.of("/hello", a));
        assertEquals(new Count(1, 0, 0), c.of("/hello", b));
        assertEquals(Count.ZERO, c.of("/other"));
        assertEquals(Count.ZERO, c.of("/other", a));
    }

    @Test
    public void aBackendFailureStatusIsAFailureOfThePathNotARequestOfTheEndpoint() {
        RouteCounters c = new RouteCounters();
        c.requestDone("/hello", a, 502, 1);
        assertEquals(new Count(1, 1, 0), c.of("/hello"));
        assertEquals(Count.ZERO, c.of("/hello", a));
    }

    @Test
    public void countsFromManyThreads() throws InterruptedException {
        RouteCounters c = new RouteCounters();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.requestDone("/hello", a, 200, 1);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(40_000, c.of("/hello").requests());
        assertEquals(40_000, c.of("/hello", a).requests());
    }
}
