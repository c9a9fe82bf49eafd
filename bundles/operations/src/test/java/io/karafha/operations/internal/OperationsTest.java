package io.karafha.operations.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.Map;

import io.karafha.routes.Endpoint;
import io.karafha.proxy.internal.EndpointTable;
import io.karafha.proxy.internal.engine.RouteCounters.Count;

import org.junit.Test;

public class OperationsTest {

    private final Endpoint a = Endpoint.of("127.0.0.1:5702", "http://127.0.0.1:8182", 1);
    private final Endpoint b = Endpoint.of("127.0.0.1:5703", "http://127.0.0.1:8183/", 2);
    private final Map<String, String> names = Map.of("127.0.0.1:5702", "karaf1", "127.0.0.1:5703", "karaf2");

    @Test
    public void findsAnEndpointByNameIdOrUrl() {
        List<Endpoint> all = List.of(a, b);
        assertEquals(a, Operations.find(all, "karaf1", names));
        assertEquals(b, Operations.find(all, "127.0.0.1:5703", names));
        assertEquals(a, Operations.find(all, "http://127.0.0.1:8182/", names));
        assertEquals(b, Operations.find(all, "http://127.0.0.1:8183", names));
        assertNull(Operations.find(all, "karaf3", names));
    }

    @Test
    public void statesReadAsPeopleSayThem() {
        EndpointTable t = new EndpointTable();
        t.update(List.of(a, b));
        t.markDown(a, 1000, 5000, "java.util.concurrent.TimeoutException: Idle timeout 2000 ms", true);
        t.drain(b);
        assertEquals("hung", Operations.state(t.snapshot(1000).get(1)));
        assertEquals("drained", Operations.state(t.snapshot(1000).get(0)));
        t.restore(b);
        t.markDown(a, 1000, 5000, "java.net.ConnectException: Connection refused", false);
        assertEquals("live", Operations.state(t.snapshot(1000).get(0)));
        assertEquals("down", Operations.state(t.snapshot(1000).get(1)));
    }

    @Test
    public void describesDownWithTimeAndReason() {
        Views.EndpointView v = new Views.EndpointView(2, "karaf1", "127.0.0.1:5702", "http://127.0.0.1:8182", "down",
                System.currentTimeMillis() + 5000, "java.net.ConnectException: Connection refused", false, Count.ZERO);
        String d = v.describe();
        assertEquals(true, d.matches("down until \\d\\d:\\d\\d:\\d\\d \\(java\\.net\\.ConnectException: Connection refused\\)"));
        assertEquals("drained", new Views.EndpointView(1, "k", "i", "u", "drained", 0, null, false, Count.ZERO).describe());
    }

    @Test
    public void writesJson() {
        assertEquals("{\"a\":[1,true,null,\"x\\\"\\u003c/script\\u003e\"]}",
                Json.write(Map.of("a", java.util.Arrays.asList(1, true, null, "x\"</script>"))));
    }
}
