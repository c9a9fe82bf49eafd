package io.karafha.routes;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;

import org.junit.Test;

public class EndpointTest {

    private static String rejection(String url) {
        try {
            Endpoint.of("127.0.0.1:5702", url, 1);
            fail("accepted " + url);
            return null;
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'" + url + "'"));
            return e.getMessage();
        }
    }

    @Test
    public void validEndpoint() {
        Endpoint e = Endpoint.of("127.0.0.1:5702", "http://127.0.0.1:8182", 7);
        assertEquals("127.0.0.1:5702", e.getNodeId());
        assertEquals(URI.create("http://127.0.0.1:8182"), e.getUrl());
        assertEquals(7, e.getOrder());
        assertEquals("https", Endpoint.of("n", "HTTPS://backend.example:8443/base", 1).getUrl().getScheme().toLowerCase());
    }

    @Test
    public void badUrlsAreNamedWithReason() {
        assertTrue(rejection("http://127.0.0.1:8182/a b").contains("does not parse"));
        assertTrue(rejection("/relative/path").contains("not absolute"));
        assertTrue(rejection("localhost:8182").contains("not http or https"));
        assertTrue(rejection("ftp://127.0.0.1:21").contains("scheme 'ftp' is not http or https"));
        assertTrue(rejection("http:opaque").contains("no host"));
        assertTrue(rejection("http://bad_host:8182").contains("no host"));
        assertTrue(rejection("").contains("empty"));
        try {
            Endpoint.of("n", null, 1);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'null'"));
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void blankNodeIdRejected() {
        Endpoint.of(" ", "http://127.0.0.1:8182", 1);
    }

    @Test
    public void identityIsNodeAndUrlNotOrder() throws Exception {
        Endpoint a = Endpoint.of("n1", "http://127.0.0.1:8182", 1);
        assertEquals(a, Endpoint.of("n1", "http://127.0.0.1:8182", 9));
        assertEquals(a.hashCode(), a.withOrder(9).hashCode());
        assertNotEquals(a, Endpoint.of("n2", "http://127.0.0.1:8182", 1));
        assertNotEquals(a, Endpoint.of("n1", "http://127.0.0.1:8183", 1));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Route("/hello", java.util.List.of(a)));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            Route copy = (Route) in.readObject();
            assertEquals(a, copy.master());
            assertEquals(1, copy.master().getOrder());
        }
    }
}
