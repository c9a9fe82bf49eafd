package io.karafha.sessions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.session.SessionData;
import org.junit.Test;

public class SessionCodecTest {

    private final List<String> written = new ArrayList<>();
    private final List<String> read = new ArrayList<>();
    private final SessionCodec codec = new SessionCodec(new SessionCodec.AttributeProblems() {
        @Override
        public void notWritten(String contextPath, String sessionId, String attribute, Object value, Exception cause) {
            written.add(contextPath + " " + sessionId + " " + attribute + " " + cause.getClass().getSimpleName());
        }

        @Override
        public void notRead(String contextPath, String sessionId, String attribute, Exception cause) {
            read.add(contextPath + " " + attribute);
        }
    }, "/shop");

    private static SessionData session() {
        SessionData d = new SessionData("karaf1abc~#ctx", "_shop", "0.0.0.0", 1000, 2000, 1500, 1_800_000);
        d.setLastNode("karaf1");
        d.calcAndSetExpiry(2000);
        d.setCookieSet(1000);
        d.setLastSaved(2100);
        return d;
    }

    @Test
    public void roundTripKeepsEveryField() throws IOException {
        SessionData d = session();
        d.setAttribute("count", 5);
        d.setAttribute("user", "alice");
        SessionData back = codec.decode(codec.encode(d));
        assertEquals("karaf1abc~#ctx", back.getId());
        assertEquals("_shop", back.getContextPath());
        assertEquals("0.0.0.0", back.getVhost());
        assertEquals("karaf1", back.getLastNode());
        assertEquals(1000, back.getCreated());
        assertEquals(2000, back.getAccessed());
        assertEquals(1500, back.getLastAccessed());
        assertEquals(1_800_000, back.getMaxInactiveMs());
        assertEquals(2000 + 1_800_000, back.getExpiry());
        assertEquals(1000, back.getCookieSet());
        assertEquals(2100, back.getLastSaved());
        assertEquals(5, back.getAttribute("count"));
        assertEquals("alice", back.getAttribute("user"));
        assertFalse(back.isDirty());
        assertEquals(2000 + 1_800_000, SessionCodec.expiry(codec.encode(d)));
        assertTrue(written.isEmpty());
    }

    @Test
    public void attributeThatCannotBeSerializedIsLeftOutAndReported() throws IOException {
        SessionData d = session();
        d.setAttribute("count", 7);
        d.setAttribute("socket", new Object());
        SessionData back = codec.decode(codec.encode(d));
        assertEquals(7, back.getAttribute("count"));
        assertNull(back.getAttribute("socket"));
        assertEquals(List.of("/shop karaf1abc~#ctx socket NotSerializableException"), written);
    }

    @Test
    public void unknownFormatIsRefused() {
        try {
            codec.decode(new byte[] {0, 0, 0, 9, 1, 2});
            fail("decoded a foreign format");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("format 9"));
        }
    }

    @Test
    public void abbreviatedIds() {
        assertEquals("karaf1ab...", SessionIds.abbreviate("karaf1abcdefgh"));
        assertEquals("short", SessionIds.abbreviate("short"));
    }

    @Test
    public void excludedContextsAreParsed() {
        ReplicationScope scope = ReplicationScope.parse(" /local/ , /console");
        assertFalse(scope.replicated("/local"));
        assertFalse(scope.replicated("/console"));
        assertTrue(scope.replicated("/"));
        try {
            ReplicationScope.parse("console");
            fail("accepted a path without /");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'console'"));
        }
    }
}
