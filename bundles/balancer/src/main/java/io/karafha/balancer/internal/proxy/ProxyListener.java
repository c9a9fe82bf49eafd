package io.karafha.balancer.internal.proxy;

import io.karafha.balancer.Endpoint;

/**
 * Callbacks from {@link ProxyEngine} so the OSGi layer can log one line per state change and keep
 * counters. Called on the request thread; implementations must be quick and thread-safe. A
 * RuntimeException thrown by a callback is ignored by the engine.
 */
public interface ProxyListener {

    /** A listener that ignores every callback. */
    ProxyListener NONE = new ProxyListener() {
    };

    /** An endpoint that was LIVE has just been marked DOWN (called once per transition). */
    default void endpointDown(String routePath, Endpoint endpoint, String reason) {
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
}
