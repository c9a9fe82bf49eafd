package io.karafha.demo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Holds the {@code io.karafha.demo} configuration. It is a component of its own so that a
 * configuration change (for instance one synchronised by Cellar) only updates this value: were the
 * configuration on the servlet component, DS would change the servlet's service properties and Pax Web
 * would unregister and register /hello again, which took about 5 s here.
 */
@Component(name = "io.karafha.demo", configurationPid = "io.karafha.demo", service = DemoMessage.class)
@Designate(ocd = DemoConfig.class)
public class DemoMessage {

    private volatile String message = "Hello";

    @Activate
    @Modified
    void configure(DemoConfig config) {
        message = config.message();
    }

    public String get() {
        return message;
    }
}
