package io.karafha.proxy.internal.engine;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;

/**
 * Tells a client body the client sent wrong from other failures. Jetty 9.4 reports a malformed
 * chunked encoding to the reader as {@link EofException} ("Early EOF"), some parse errors as
 * {@link BadMessageException}; a client that closed its connection mid-body also gives
 * EofException, and then the 400 answer simply goes nowhere. Either is answered 400, not 500,
 * while the answer is not committed.
 */
final class ClientBodyFailure {

    private ClientBodyFailure() {
    }

    static boolean isMalformed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadMessageException || t instanceof EofException) {
                return true;
            }
        }
        return false;
    }
}
