package io.karafha.proxy;

import io.karafha.routes.Endpoint;

/**
 * One row of a snapshot of a route's endpoint table (EndpointTable#snapshot), for shell commands
 * and the web console.
 *
 * @param endpoint  the endpoint
 * @param state     its local state
 * @param downUntil epoch millis until which a DOWN endpoint is skipped; 0 unless DOWN
 * @param reason    why it is DOWN (e.g. {@code java.net.ConnectException: Connection refused}),
 *                  null unless DOWN
 * @param hung      a DOWN endpoint took the request and then sent nothing within the response
 *                  timeout (socket open, no answer), rather than refusing or dropping it
 * @param eligible  whether a request planned at the snapshot time may try it (LIVE, or DOWN with
 *                  its retry time passed)
 */
public record EndpointStatus(Endpoint endpoint, EndpointState state, long downUntil, String reason,
                             boolean hung, boolean eligible) {
}
