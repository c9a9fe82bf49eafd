package io.karafha.demo;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = "io.karafha.demo",
        name = "Karaf HA demo application",
        description = "The /hello servlet that shows which node served a request.")
public @interface DemoConfig {

    @AttributeDefinition(name = "Message", description = "Text shown by /hello under 'message'.")
    String message() default "Hello";
}
