package io.karafha.routes;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

public class RouteTest {

    private static final Endpoint A = Endpoint.of("n1", "http://127.0.0.1:8181", 1);
    private static final Endpoint B = Endpoint.of("n2", "http://127.0.0.1:8182", 2);
    private static final Endpoint C = Endpoint.of("n3", "http://127.0.0.1:8183", 3);

    @Test
    public void sortedByOrderAndFirstIsMaster() {
        Route r = new Route("/hello", List.of(C, A, B));
        assertEquals(List.of(A, B, C), r.getEndpoints());
        assertEquals(A, r.master());
        assertNull(Route.empty("/hello").master());
    }

    @Test
    public void reRegistrationReplacesAndMovesToEnd() {
        Route r = new Route("/hello", List.of(A, B, C)).withEndpoint(A.withOrder(4));
        assertEquals(List.of(B, C, A), r.getEndpoints());
        assertEquals(4, r.getEndpoints().get(2).getOrder());
        assertEquals(3, r.getEndpoints().size());
        assertEquals(B, r.master());
    }

    @Test
    public void removeByNodeAndByEndpoint() {
        Endpoint a2 = Endpoint.of("n1", "http://127.0.0.1:9191", 5);
        Route r = new Route("/hello", List.of(A, B, a2));
        assertEquals(List.of(B), r.withoutNode("n1").getEndpoints());
        assertEquals(List.of(B, a2), r.withoutEndpoint(A).getEndpoints());
        assertEquals(r, r.withoutNode("unknown"));
        assertEquals(3, r.getEndpoints().size());
    }

    @Test
    public void pathMustStartWithSlash() {
        try {
            Route.empty("hello");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'hello'"));
            return;
        }
        throw new AssertionError("accepted");
    }

    @Test(expected = UnsupportedOperationException.class)
    public void endpointsAreUnmodifiable() {
        new Route("/hello", List.of(A)).getEndpoints().add(B);
    }
}
