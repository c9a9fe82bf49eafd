package io.karafha.cxf.internal;

/** A registry that knows the host other cluster members reach this node on. */
public interface ClusterHost {

    /** @return the host of this node's cluster address, or null if unknown (not a member) */
    String localHost();
}
