package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.Test;

public class HopByHopHeadersTest {

    @Test
    public void standardHopByHopHeadersAnyCase() {
        for (String name : List.of("Connection", "KEEP-ALIVE", "Proxy-Authenticate", "proxy-authorization",
                "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Connection")) {
            assertTrue(name, HopByHopHeaders.isHopByHop(name));
        }
        for (String name : List.of("Host", "Cookie", "Set-Cookie", "Content-Length", "Content-Type", "Via",
                "X-Forwarded-For", "Trailers")) {
            assertFalse(name, HopByHopHeaders.isHopByHop(name));
        }
        assertFalse(HopByHopHeaders.isHopByHop(null));
    }

    @Test
    public void connectionTokensAreSplitTrimmedAndLowerCased() {
        Set<String> tokens = HopByHopHeaders.connectionTokens(Arrays.asList(" X-Hop , keep-alive,,", null, "Close"));
        assertEquals(Set.of("x-hop", "keep-alive", "close"), tokens);
        assertEquals(Set.of(), HopByHopHeaders.connectionTokens(null));
        assertEquals(Set.of(), HopByHopHeaders.connectionTokens(List.of("", " , ")));
    }

    @Test
    public void headersNamedInConnectionAreExcluded() {
        Set<String> tokens = HopByHopHeaders.connectionTokens(List.of("X-Hop"));
        assertTrue(HopByHopHeaders.isExcluded("x-hop", tokens));
        assertTrue(HopByHopHeaders.isExcluded("X-HOP", tokens));
        assertTrue(HopByHopHeaders.isExcluded("Upgrade", tokens));
        assertFalse(HopByHopHeaders.isExcluded("X-End", tokens));
    }
}
