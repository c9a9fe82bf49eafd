package io.karafha.proxy.internal;

import io.karafha.routes.RouteEvent;
import org.apache.karaf.cellar.core.GroupManager;
import org.apache.karaf.cellar.core.control.BasicSwitch;
import org.apache.karaf.cellar.core.control.Switch;
import org.apache.karaf.cellar.core.event.EventHandler;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BalancerEventHandler of the role table, on Cellar's event API: applies route updates of the
 * node's groups, switched by {@code handler.io.karafha.proxy.internal.BalancerEventHandler} in
 * etc/org.apache.karaf.cellar.node.cfg. On the balancer a route event makes the proxy look at that
 * path again; on a backend (no proxy) it changes nothing: a backend serves only its own paths.
 */
@Component(service = EventHandler.class, property = "managed=true", immediate = true)
public class BalancerEventHandler implements EventHandler<RouteEvent> {

    /** The class's name before the split into bundles: the key users' etc/org.apache.karaf.cellar.node.cfg has. */
    public static final String SWITCH_KEY = "handler.io.karafha.balancer.BalancerEventHandler";
    private static final Logger LOG = LoggerFactory.getLogger(BalancerEventHandler.class);

    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private GroupManager groupManager;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProxyManager proxies;

    private final Switch eventSwitch = new BasicSwitch(SWITCH_KEY);

    @Override
    public void handle(RouteEvent event) {
        if (event.getSourceGroup() == null || !groupManager.isLocalGroup(event.getSourceGroup().getName())) {
            return;
        }
        if (getSwitch().getStatus() == org.apache.karaf.cellar.core.control.SwitchStatus.OFF) {
            LOG.debug("{} is off: route event for {} not handled", SWITCH_KEY, event.getId());
            return;
        }
        ProxyManager pm = proxies;
        if (pm != null) {
            pm.refresh(event.getId());
        }
    }

    @Override
    public Class<RouteEvent> getType() {
        return RouteEvent.class;
    }

    @Override
    public Switch getSwitch() {
        try {
            Configuration c = configAdmin.getConfiguration("org.apache.karaf.cellar.node", null);
            Object v = c.getProperties() == null ? null : c.getProperties().get(SWITCH_KEY);
            if (v != null && Boolean.parseBoolean(v.toString().trim())) {
                eventSwitch.turnOn();
            } else {
                eventSwitch.turnOff();
            }
        } catch (Exception e) {
            eventSwitch.turnOff();
        }
        return eventSwitch;
    }
}
