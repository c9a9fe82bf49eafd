package io.karafha.operations.internal.jmx;

import java.util.Hashtable;
import java.util.Map;

import javax.management.DynamicMBean;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;

import io.karafha.operations.internal.Operations;
import io.karafha.operations.internal.Views.EndpointView;
import io.karafha.operations.internal.Views.RouteView;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers {@link BalancerMBean} as an OSGi service with {@code jmx.objectname}: Karaf's
 * management feature (Aries JMX whiteboard) puts it into the platform MBeanServer, behind Karaf's
 * JMX ACL (jmx.acl.cfg: reading needs the viewer role, operations admin).
 */
@Component(immediate = true, service = {})
public class BalancerJmx implements BalancerMBean {

    public static final String OBJECT_NAME = "io.karafha:type=balancer";

    private static final CompositeType ROUTE;
    private static final TabularType ROUTES;
    private static final CompositeType ENDPOINT;
    private static final TabularType ENDPOINTS;

    static {
        try {
            String[] r = {"path", "policy", "master", "requests", "failures", "failovers"};
            ROUTE = new CompositeType("route", "a route the balancer proxies", r, r,
                    new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG});
            ROUTES = new TabularType("routes", "routes", ROUTE, new String[] {"path"});
            String[] e = {"path", "position", "node", "nodeId", "url", "state", "downUntil", "reason", "master", "requests", "failures", "failovers"};
            ENDPOINT = new CompositeType("endpoint", "an endpoint of a route, in the order requests try them", e, e,
                    new OpenType<?>[] {SimpleType.STRING, SimpleType.INTEGER, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING,
                        SimpleType.STRING, SimpleType.LONG, SimpleType.STRING, SimpleType.BOOLEAN, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG});
            ENDPOINTS = new TabularType("endpoints", "endpoints", ENDPOINT, new String[] {"path", "position"});
        } catch (OpenDataException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @Reference
    private Operations ops;

    private ServiceRegistration<DynamicMBean> registration;

    @Activate
    void activate(BundleContext context) throws NotCompliantMBeanException {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("jmx.objectname", OBJECT_NAME);
        registration = context.registerService(DynamicMBean.class, new StandardMBean(this, BalancerMBean.class), props);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }

    @Override
    public String getRole() {
        return ops.role();
    }

    @Override
    public String getNode() {
        return ops.localNode();
    }

    @Override
    public TabularData getRoutes() {
        TabularDataSupport t = new TabularDataSupport(ROUTES);
        for (RouteView r : ops.routes()) {
            t.put(composite(ROUTE, Map.of("path", r.path(), "policy", r.policy(), "master", r.master(),
                    "requests", r.count().requests(), "failures", r.count().failures(), "failovers", r.count().failovers())));
        }
        return t;
    }

    @Override
    public TabularData getEndpoints() {
        TabularDataSupport t = new TabularDataSupport(ENDPOINTS);
        for (RouteView r : ops.routes()) {
            for (EndpointView e : r.endpoints()) {
                Map<String, Object> v = new java.util.HashMap<>();
                v.put("path", r.path());
                v.put("position", e.position());
                v.put("node", e.node());
                v.put("nodeId", e.nodeId());
                v.put("url", e.url());
                v.put("state", e.state());
                v.put("downUntil", e.downUntil());
                v.put("reason", e.reason() == null ? "" : e.reason());
                v.put("master", e.master());
                v.put("requests", e.count().requests());
                v.put("failures", e.count().failures());
                v.put("failovers", e.count().failovers());
                t.put(composite(ENDPOINT, v));
            }
        }
        return t;
    }

    private static CompositeDataSupport composite(CompositeType type, Map<String, ?> values) {
        try {
            return new CompositeDataSupport(type, values);
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String[] getPublished() {
        return ops.published().stream()
                .map(p -> p.path() + " " + p.url() + " " + p.group() + " " + p.position() + "/" + p.endpoints())
                .toArray(String[]::new);
    }

    @Override
    public String[] getNodes() {
        return ops.nodes().stream().map(n -> n.name() + " " + n.id() + " " + String.join(",", n.groups()) + (n.local() ? " (this node)" : ""))
                .toArray(String[]::new);
    }

    @Override
    public String[] getDrainingNodes() {
        return ops.drainingNodes().toArray(String[]::new);
    }

    @Override
    public String[] getSettings() {
        return ops.settings().entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toArray(String[]::new);
    }

    @Override
    public String[] drain(String path, String endpoint) {
        try {
            return ops.drain(path, endpoint).toArray(String[]::new);
        } catch (IllegalArgumentException e) {
            throw plain(e);
        }
    }

    @Override
    public String[] restore(String path, String endpoint) {
        try {
            return ops.restore(path, endpoint).toArray(String[]::new);
        } catch (IllegalArgumentException e) {
            throw plain(e);
        }
    }

    @Override
    public String setSetting(String key, String value) throws Exception {
        try {
            ops.updateSettings(Map.of(key, value == null ? "" : value));
        } catch (IllegalArgumentException e) {
            throw plain(e);
        }
        return key + " = " + value + " written to etc/" + Operations.PID + ".cfg";
    }

    /** The message only: a remote JMX client cannot load this bundle's exception classes. */
    private static IllegalArgumentException plain(IllegalArgumentException e) {
        return new IllegalArgumentException(e.getMessage());
    }
}
