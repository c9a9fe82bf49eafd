package io.karafha.operations.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.Map;

import io.karafha.proxy.EndpointState;
import io.karafha.proxy.EndpointStatus;
import io.karafha.proxy.RequestCount;
import io.karafha.routes.Endpoint;
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
        // rows as the proxy's endpoint table reports them (EndpointTableTest covers the table itself)
        String idle = "java.util.concurrent.TimeoutException: Idle timeout 2000 ms";
        assertEquals("hung", Operations.state(new EndpointStatus(a, EndpointState.DOWN, 6000, idle, true, false)));
        assertEquals("drained", Operations.state(new EndpointStatus(b, EndpointState.DRAINED, 0, null, false, false)));
        String refused = "java.net.ConnectException: Connection refused";
        assertEquals("live", Operations.state(new EndpointStatus(b, EndpointState.LIVE, 0, null, false, true)));
        assertEquals("down", Operations.state(new EndpointStatus(a, EndpointState.DOWN, 6000, refused, false, false)));
    }

    @Test
    public void describesDownWithTimeAndReason() {
        Views.EndpointView v = new Views.EndpointView(2, "karaf1", "127.0.0.1:5702", "http://127.0.0.1:8182", "down",
                System.currentTimeMillis() + 5000, "java.net.ConnectException: Connection refused", false, RequestCount.ZERO);
        String d = v.describe();
        assertEquals(true, d.matches("down until \\d\\d:\\d\\d:\\d\\d \\(java\\.net\\.ConnectException: Connection refused\\)"));
        assertEquals("drained", new Views.EndpointView(1, "k", "i", "u", "drained", 0, null, false, RequestCount.ZERO).describe());
    }

    @Test
    public void writesJson() {
        assertEquals("{\"a\":[1,true,null,\"x\\\"\\u003c/script\\u003e\"]}",
                Json.write(Map.of("a", java.util.Arrays.asList(1, true, null, "x\"</script>"))));
    }
}
