package io.karafha.demo.secure;

import java.util.Collection;
import java.util.List;

import org.ops4j.pax.web.service.whiteboard.SecurityConfigurationMapping;
import org.ops4j.pax.web.service.whiteboard.SecurityConstraintMapping;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The login configuration of {@link SecureContext}, as a web.xml would give it: FORM login against
 * the JAAS realm {@value #REALM} (Karaf's own: etc/users.properties by default), login page
 * {@value #LOGIN_PAGE}, error page {@value #ERROR_PAGE}, and every path of the context for users with
 * the role {@value #ROLE}. Pax Web 8's whiteboard reads it as a {@link SecurityConfigurationMapping}
 * service. Jetty finds the realm as a {@code LoginService} bean of its server named {@value #REALM}
 * (etc/jetty.xml); without it, every login fails.
 */
@Component(
        name = "io.karafha.demo.secure.login",
        configurationPolicy = ConfigurationPolicy.IGNORE,
        service = SecurityConfigurationMapping.class)
public class SecureLogin implements SecurityConfigurationMapping {

    public static final String REALM = "karaf";
    public static final String ROLE = "demo";
    public static final String LOGIN_PAGE = "/login";
    public static final String ERROR_PAGE = "/login-error";

    @Override
    public String getContextSelectFilter() {
        return SecureContext.SELECT;
    }

    @Override
    public String getContextId() {
        return null;
    }

    @Override
    public String getAuthMethod() {
        return "FORM";
    }

    @Override
    public String getRealmName() {
        return REALM;
    }

    @Override
    public String getFormLoginPage() {
        return LOGIN_PAGE;
    }

    @Override
    public String getFormErrorPage() {
        return ERROR_PAGE;
    }

    @Override
    public Collection<SecurityConstraintMapping> getSecurityConstraints() {
        return List.of(new Constraint());
    }

    @Override
    public Collection<String> getSecurityRoles() {
        return List.of(ROLE);
    }

    /** Every path of the context, every method, role {@value SecureLogin#ROLE}. */
    static final class Constraint implements SecurityConstraintMapping {

        @Override
        public String getName() {
            return "io.karafha.demo.secure";
        }

        @Override
        public String getContextSelectFilter() {
            return SecureContext.SELECT;
        }

        @Override
        public String getContextId() {
            return null;
        }

        @Override
        public Collection<WebResourceCollectionMapping> getWebResourceCollections() {
            return List.of(new Everything());
        }

        @Override
        public Collection<String> getAuthRoles() {
            return List.of(ROLE);
        }

        @Override
        public boolean isAuthRolesSet() {
            return true;
        }
    }

    static final class Everything implements SecurityConstraintMapping.WebResourceCollectionMapping {

        @Override
        public String getName() {
            return "everything";
        }

        @Override
        public Collection<String> getUrlPatterns() {
            return List.of("/*");
        }

        @Override
        public Collection<String> getHttpMethods() {
            return List.of();
        }

        @Override
        public Collection<String> getHttpMethodOmissions() {
            return List.of();
        }
    }
}
