package io.karafha.demo.secure;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.http.context.ServletContextHelper;

/**
 * The web context {@value #PATH} of the demo's secured area: a context of its own, so its login
 * configuration does not touch the root context of /hello and /session (Pax Web restarts a context
 * whose security configuration changes).
 */
@Component(
        name = "io.karafha.demo.secure.context",
        configurationPolicy = ConfigurationPolicy.IGNORE,
        service = ServletContextHelper.class,
        property = {
                "osgi.http.whiteboard.context.name=" + SecureContext.NAME,
                "osgi.http.whiteboard.context.path=" + SecureContext.PATH
        })
public class SecureContext extends ServletContextHelper {

    public static final String NAME = "io.karafha.demo.secure";
    public static final String PATH = "/secure";
    /** Selects this context, for the servlet and the login configuration. */
    public static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";

    @Activate
    public SecureContext(BundleContext context) {
        super(context.getBundle());
    }
}
