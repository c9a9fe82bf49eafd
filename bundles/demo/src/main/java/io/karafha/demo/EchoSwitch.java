package io.karafha.demo;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/**
 * Exists while the configuration {@code io.karafha.demo.echo} exists, and so does /echo, which
 * needs it. Apart from the servlet for the same reason as {@link DemoMessage}: a change of the
 * configuration must not re-register the servlet.
 */
@Component(name = "io.karafha.demo.echo", configurationPid = "io.karafha.demo.echo",
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = EchoSwitch.class)
public class EchoSwitch {

    /** A changed configuration keeps the component (and so /echo) as it is; without this DS would restart it. */
    @Modified
    void modified() {
        // nothing to change: the configuration's existence is the switch
    }
}
