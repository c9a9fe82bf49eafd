package io.karafha.cxf.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

import org.junit.Test;

public class FailureRulesTest {

    @Test
    public void aListedExceptionCountsAnywhereInTheChainNotOnlyAsTheLastCause() {
        // CXF's own FailoverTargetSelector looks only at the last cause: here an IllegalStateException
        Throwable chain = new RuntimeException("fault", new ConnectException("refused"));
        chain.getCause().initCause(new IllegalStateException("inner"));
        FailureRules rules = FailureRules.parse("java.net.ConnectException");
        assertNotNull(rules.match(chain));
        assertNull(FailureRules.parse("java.net.SocketTimeoutException").match(chain));
    }

    @Test
    public void everyListedNameCountsAndSubclassesMatch() {
        FailureRules rules = FailureRules.parse(" java.lang.IllegalStateException ; java.io.IOException;");
        assertNotNull(rules.match(new RuntimeException(new ConnectException())));
        assertNotNull(rules.match(new IllegalStateException()));
        assertNull(rules.match(new IllegalArgumentException()));
    }

    @Test
    public void onlyConnectFailuresAreKnownNotToHaveReachedTheServer() {
        assertTrue(FailureRules.failedBeforeSending(new RuntimeException(new ConnectException("refused"))));
        assertTrue(FailureRules.failedBeforeSending(new HttpConnectTimeoutException("HTTP connect timed out")));
        assertTrue(FailureRules.failedBeforeSending(new SocketTimeoutException("Connect timed out")));
        assertFalse(FailureRules.failedBeforeSending(new SocketTimeoutException("Read timed out")));
        assertFalse(FailureRules.failedBeforeSending(new HttpTimeoutException("request timed out")));
        assertFalse(FailureRules.failedBeforeSending(new IOException("HTTP/1.1 header parser received no bytes")));
    }
}
