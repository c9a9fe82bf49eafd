package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.util.List;

import io.karafha.routes.Endpoint;

/** One client request's way through the planned endpoints: a plain request or a WebSocket handshake. */
interface Exchange {

    /**
     * Tries {@code plan} (not empty) in order and answers the client, unless no endpoint processed
     * the request and it can be sent again: then nothing is written and false is returned.
     *
     * @return true if the client was answered
     */
    boolean run(List<Endpoint> plan) throws IOException;

    /** After {@link #run} returned false and no endpoint came in time: 503 with Retry-After. */
    void unavailable() throws IOException;
}
