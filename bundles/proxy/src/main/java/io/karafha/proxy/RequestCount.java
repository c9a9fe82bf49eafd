package io.karafha.proxy;

/** Requests, failures and failovers of a route or of one endpoint since the balancer started. */
public record RequestCount(long requests, long failures, long failovers) {

    public static final RequestCount ZERO = new RequestCount(0, 0, 0);
}
