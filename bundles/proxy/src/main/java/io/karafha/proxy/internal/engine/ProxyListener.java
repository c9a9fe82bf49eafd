package io.karafha.proxy.internal.engine;

import io.karafha.routes.Endpoint;

/**
 * Callbacks from {@link ProxyEngine} so the OSGi layer can log one line per state change and keep
 * counters. Called on the servlet thread or on one of the proxy HTTP client's threads; implementations must be quick and thread-safe. A
 * RuntimeException thrown by a callback is ignored by the engine.
 */
public interface ProxyListener {

    /** A listener that ignores every callback. */
    ProxyListener NONE = new ProxyListener() {
    };

    /** An endpoint that was LIVE has just been marked DOWN (called once per transition). */
    default void endpointDown(String routePath, Endpoint endpoint, String reason) {
    }

    /**
     * One try of a request on an endpoint failed (listed exception, timeout or failover status);
     * called for every failed try, before {@link #endpointDown} and {@link #failover}.
     *
     * @param hung the endpoint took the request and then sent nothing within the response timeout
     */
    default void attemptFailed(String routePath, Endpoint endpoint, String reason, boolean hung) {
    }

    /** An endpoint that was DOWN answered successfully and is LIVE again. */
    default void endpointUp(String routePath, Endpoint endpoint) {
    }

    /** A request that failed on {@code from} is now sent to {@code to}. */
    default void failover(String routePath, Endpoint from, Endpoint to, String reason) {
    }

    /**
     * A request was answered with {@code status}.
     *
     * @param endpoint the backend whose answer or failure decided the outcome; null if the
     *                 balancer answered without contacting one (e.g. 503 no live backend, 413)
     * @param nanos    time from the start of {@code forward} to the end of the response
     */
    default void requestDone(String routePath, Endpoint endpoint, int status, long nanos) {
    }

    /**
     * A request could not be completed properly: the backend response broke off after part of
     * it had been sent to the client (the client connection is then aborted), or the client
     * went away.
     */
    default void requestFailed(String routePath, Endpoint endpoint, String reason) {
    }

    /** @return a listener that calls {@code first}, then {@code second} */
    static ProxyListener both(ProxyListener first, ProxyListener second) {
        return new ProxyListener() {
            @Override
            public void endpointDown(String routePath, Endpoint endpoint, String reason) {
                first.endpointDown(routePath, endpoint, reason);
                second.endpointDown(routePath, endpoint, reason);
            }

            @Override
            public void attemptFailed(String routePath, Endpoint endpoint, String reason, boolean hung) {
                first.attemptFailed(routePath, endpoint, reason, hung);
                second.attemptFailed(routePath, endpoint, reason, hung);
            }

            @Override
            public void endpointUp(String routePath, Endpoint endpoint) {
                first.endpointUp(routePath, endpoint);
                second.endpointUp(routePath, endpoint);
            }

            @Override
            public void failover(String routePath, Endpoint from, Endpoint to, String reason) {
                first.failover(routePath, from, to, reason);
                second.failover(routePath, from, to, reason);
            }

            @Override
            public void requestDone(String routePath, Endpoint endpoint, int status, long nanos) {
                first.requestDone(routePath, endpoint, status, nanos);
                second.requestDone(routePath, endpoint, status, nanos);
            }

            @Override
            public void requestFailed(String routePath, Endpoint endpoint, String reason) {
                first.requestFailed(routePath, endpoint, reason);
                second.requestFailed(routePath, endpoint, reason);
            }
        };
    }
}
