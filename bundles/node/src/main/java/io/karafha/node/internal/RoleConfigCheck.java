package io.karafha.node.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, at start and after every change of the Cellar node or groups configuration, each problem
 * {@link RoleConfigValidator} finds (one WARN line naming file and key), or one INFO line when the
 * role configuration is sound. It never changes the configuration: the node starts as Cellar would.
 */
@Component(name = "io.karafha.node.roleconfig", immediate = true, service = ConfigurationListener.class)
public class RoleConfigCheck implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(RoleConfigCheck.class);
    private static final String EVENT_HANDLER = "org.apache.karaf.cellar.core.event.EventHandler";

    @Reference
    private ConfigurationAdmin configAdmin;

    private BundleContext context;
    private List<String> lastProblems;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        check();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        if (RoleConfigValidator.NODE_PID.equals(pid) || RoleConfigValidator.GROUPS_PID.equals(pid)) {
            check();
        }
    }

    synchronized void check() {
        List<String> problems = RoleConfigValidator.validate(
                properties(RoleConfigValidator.NODE_PID), properties(RoleConfigValidator.GROUPS_PID), installedHandlers());
        if (problems.equals(lastProblems)) {
            return;
        }
        lastProblems = problems;
        if (problems.isEmpty()) {
            Map<String, ?> node = properties(RoleConfigValidator.NODE_PID);
            LOG.info("Cellar role configuration is sound: groups={}, producer={}, consumer={}",
                    node == null ? null : node.get("groups"),
                    node == null ? null : node.get("producer"),
                    node == null ? null : node.get("consumer"));
        }
        for (String problem : problems) {
            LOG.warn("Cellar role configuration: {}", problem);
        }
    }

    private Map<String, Object> properties(String pid) {
        try {
            Configuration[] configs = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (configs == null || configs.length == 0 || configs[0].getProperties() == null) {
                return null;
            }
            Map<String, Object> map = new HashMap<>();
            Dictionary<String, Object> dict = configs[0].getProperties();
            for (Enumeration<String> keys = dict.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                map.put(key, dict.get(key));
            }
            return map;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Cannot read configuration {}: {}", pid, e.toString());
            return null;
        }
    }

    private Set<String> installedHandlers() {
        Set<String> names = new TreeSet<>();
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(EVENT_HANDLER, null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                Object handler = context.getService(ref);
                if (handler != null) {
                    names.add(handler.getClass().getName());
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            return Collections.emptySet();
        }
        return names;
    }

    List<String> lastProblems() {
        return lastProblems == null ? List.of() : new ArrayList<>(lastProblems);
    }
}
