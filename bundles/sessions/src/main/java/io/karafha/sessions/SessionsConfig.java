package io.karafha.sessions;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = "io.karafha.sessions",
        name = "Karaf HA replicated HTTP sessions",
        description = "HttpSession data of this node's web contexts in a Hazelcast map of the Cellar cluster, so a session survives the loss of its node.")
public @interface SessionsConfig {

    @AttributeDefinition(name = "Map name",
            description = "Hazelcast map holding the sessions; its backup count is set in etc/hazelcast.xml (same on every node).")
    String map_name() default "io.karafha.sessions";

    @AttributeDefinition(name = "Excluded contexts",
            description = "Comma-separated context paths whose sessions stay on this node (e.g. /local); '/' is the root context. Empty: every context is replicated.")
    String excluded_contexts() default "";
}
