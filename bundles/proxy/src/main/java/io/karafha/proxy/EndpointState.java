package io.karafha.proxy;

/** The balancer's local opinion of one endpoint. */
public enum EndpointState {

    /** Takes requests. */
    LIVE,

    /** Failed; skipped until its retry time, then tried again after the live endpoints. */
    DOWN,

    /** Taken out by hand; never tried until restored. */
    DRAINED
}
