package io.karafha.proxy.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import io.karafha.routes.settings.BalancerSettings;
import org.junit.Test;

public class FailureClassifierTest {

    private final FailureClassifier defaults = FailureClassifier.of(BalancerSettings.defaults());

    /** An exception whose cause chain loops back to itself. */
    private static final class Looping extends RuntimeException {
        private Throwable cause;

        Looping(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            return cause;
        }
    }

    @Test
    public void directAndCauseChainMatch() {
        assertTrue(defaults.isFailure(new ConnectException("Connection refused")));
        assertTrue(defaults.isFailure(new SocketTimeoutException("Read timed out")));
        ConnectException refused = new ConnectException("Connection refused");
        Throwable wrapped = new ExecutionException(new UncheckedIOException(new IOException("wrap", refused)));
        assertTrue(defaults.isFailure(wrapped));
        assertSame(refused, defaults.findFailure(wrapped));
        assertEquals("java.net.ConnectException: Connection refused", defaults.describe(wrapped));
    }

    @Test
    public void notListedIsNotAFailure() {
        assertFalse(defaults.isFailure(new IllegalStateException("bug")));
        assertFalse(defaults.isFailure(new FileNotFoundException("x")));
        assertFalse(defaults.isFailure(new RuntimeException(new IOException("plain"))));
        assertFalse(defaults.isFailure(null));
        assertNull(defaults.findFailure(new IllegalStateException()));
        assertEquals("java.lang.IllegalStateException: a b", defaults.describe(new IllegalStateException("a\n  b")));
        assertEquals("java.lang.IllegalStateException", defaults.describe(new IllegalStateException()));
        assertEquals("unknown failure", defaults.describe(null));
    }

    @Test
    public void superclassMatch() {
        FailureClassifier io = new FailureClassifier(List.of("java.io.IOException"), Set.of());
        assertTrue(io.isFailure(new ConnectException("refused")));
        assertTrue(io.isFailure(new EOFException()));
        assertTrue(io.isFailure(new RuntimeException(new FileNotFoundException())));
        assertFalse(io.isFailure(new RuntimeException("no io")));
        assertTrue(new FailureClassifier(List.of("java.lang.Throwable"), Set.of()).isFailure(new Error()));
    }

    @Test
    public void cycleSafe() {
        Looping a = new Looping("a");
        Looping b = new Looping("b");
        a.cause = b;
        b.cause = a;
        assertFalse(defaults.isFailure(a));
        Looping self = new Looping("self");
        self.cause = self;
        assertFalse(defaults.isFailure(self));
        assertTrue(new FailureClassifier(List.of(Looping.class.getName()), Set.of()).isFailure(a));
    }

    @Test
    public void statuses() {
        assertTrue(defaults.isFailureStatus(502));
        assertTrue(defaults.isFailureStatus(503));
        assertTrue(defaults.isFailureStatus(504));
        assertFalse(defaults.isFailureStatus(500));
        assertFalse(defaults.isFailureStatus(200));
        FailureClassifier none = FailureClassifier.of(BalancerSettings.parse(java.util.Map.of("failover.on.status", "none")));
        assertFalse(none.isFailureStatus(503));
    }
}
