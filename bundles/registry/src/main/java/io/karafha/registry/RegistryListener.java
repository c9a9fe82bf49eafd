package io.karafha.registry;

/** Told when the registry changed without a registration of its own: membership, merge, draining. */
public interface RegistryListener {

    /** A member left the cluster; its endpoints are being removed. */
    default void nodeLeft(String nodeId) {
    }

    default void nodeJoined(String nodeId) {
    }

    /** This node was cut off from the cluster and has just been merged back (a partition healed). */
    default void merged() {
    }

    /** A node started or stopped draining. */
    default void drainingChanged(String nodeId, boolean draining) {
    }
}
