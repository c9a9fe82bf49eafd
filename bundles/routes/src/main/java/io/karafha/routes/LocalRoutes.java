package io.karafha.routes;

import java.util.Set;
import java.util.TreeSet;

import org.ops4j.pax.web.service.spi.model.events.ServletEventData;
import org.ops4j.pax.web.service.spi.model.events.WebElementEventData;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;

/**
 * The paths a node serves, read from the HTTP runtime (servlets of every context: whiteboard,
 * HttpService and web applications), as route paths: context path + servlet pattern without a
 * trailing "/*" ("/app/*" in context "/shop" is route "/shop/app").
 */
public final class LocalRoutes {

    /** Servlet name prefix of the balancer's proxy servlets: never published as a route of this node. */
    public static final String PROXY_SERVLET_PREFIX = "karaf-ha-proxy:";

    private LocalRoutes() {
    }

    public static Set<String> paths(RuntimeDTO runtime, String proxyServletPrefix) {
        Set<String> paths = new TreeSet<>();
        if (runtime == null || runtime.servletContextDTOs == null) {
            return paths;
        }
        for (ServletContextDTO context : runtime.servletContextDTOs) {
            String contextPath = context.contextPath == null || context.contextPath.equals("/") ? "" : context.contextPath;
            for (ServletDTO servlet : context.servletDTOs == null ? new ServletDTO[0] : context.servletDTOs) {
                if (servlet.name != null && servlet.name.startsWith(proxyServletPrefix)) {
                    continue; // this node's own proxies are not routes it serves
                }
                for (String pattern : servlet.patterns == null ? new String[0] : servlet.patterns) {
                    String path = routePath(contextPath, pattern);
                    if (path != null) {
                        paths.add(path);
                    }
                }
            }
        }
        return paths;
    }

    /**
     * Paths of whiteboard servlet services in the default context, read from their service
     * properties: known the moment the service registers, while Pax Web 8's runtime DTO shows a new
     * servlet only about 1.5 s later.
     */
    public static Set<String> whiteboardPaths(BundleContext context, String proxyServletPrefix) {
        Set<String> paths = new TreeSet<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences("javax.servlet.Servlet", "(osgi.http.whiteboard.servlet.pattern=*)");
        } catch (InvalidSyntaxException e) {
            return paths;
        }
        return whiteboardPaths(refs, proxyServletPrefix);
    }

    /** The same for the given services (e.g. those of one bundle); services that are no servlets count for nothing. */
    public static Set<String> whiteboardPaths(ServiceReference<?>[] refs, String proxyServletPrefix) {
        Set<String> paths = new TreeSet<>();
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object classes = ref.getProperty("objectClass");
            if (!(classes instanceof String[] names) || !java.util.Arrays.asList(names).contains("javax.servlet.Servlet")
                    || ref.getProperty("osgi.http.whiteboard.servlet.pattern") == null) {
                continue;
            }
            Object name = ref.getProperty("osgi.http.whiteboard.servlet.name");
            Object select = ref.getProperty("osgi.http.whiteboard.context.select");
            if ((name != null && name.toString().startsWith(proxyServletPrefix))
                    || (select != null && !select.toString().contains("osgi.http.whiteboard.context.name=default"))) {
                continue;
            }
            Object patterns = ref.getProperty("osgi.http.whiteboard.servlet.pattern");
            for (String pattern : patterns instanceof String[] ? (String[]) patterns : new String[] {String.valueOf(patterns)}) {
                String path = routePath("", pattern);
                if (path != null) {
                    paths.add(path);
                }
            }
        }
        return paths;
    }

    /** The route paths of a servlet Pax Web reports (its patterns, or its HttpService alias); none for other elements. */
    public static Set<String> servletPaths(WebElementEventData data) {
        Set<String> paths = new TreeSet<>();
        if (!(data instanceof ServletEventData)) {
            return paths;
        }
        ServletEventData servlet = (ServletEventData) data;
        String[] patterns = servlet.getUrlPatterns();
        for (String pattern : patterns != null && patterns.length > 0 ? patterns : new String[] {servlet.getAlias()}) {
            String path = routePath("", pattern);
            if (path != null) {
                paths.add(path);
            }
        }
        return paths;
    }

    /** "/hello" -> "/hello", "/app/*" -> "/app", "/" or "/*" -> "/"; extension patterns ("*.jsp") -> null. */
    static String routePath(String contextPath, String pattern) {
        if (pattern == null || pattern.startsWith("*.") || !pattern.startsWith("/")) {
            return null;
        }
        String p = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        String path = contextPath + p;
        if (path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
