package io.karafha.config.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import org.apache.karaf.cellar.core.CellarSupport;
import org.apache.karaf.cellar.core.ClusterManager;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.apache.karaf.cellar.core.control.BasicSwitch;
import org.apache.karaf.cellar.core.control.Switch;
import org.apache.karaf.cellar.core.control.SwitchStatus;
import org.apache.karaf.cellar.core.event.EventHandler;
import org.apache.karaf.cellar.core.event.EventProducer;
import org.apache.karaf.cellar.core.event.EventType;
import org.apache.karaf.config.core.ConfigRepository;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronises ConfigAdmin configurations between the nodes of the Cellar groups this node is in.
 *
 * <p>Each PID has one entry per group in a Hazelcast map, with a version that grows by one per
 * change (taken under the map's lock, so concurrent changes on two nodes get distinct versions and
 * the highest wins everywhere). A node applies an entry only when its version is newer than what it
 * applied before, and remembers what it applied: the configuration events its own apply causes
 * (ConfigAdmin's, then fileinstall re-reading the cfg file) are recognised as echoes and never sent
 * back. Cellar 4.2.1's own config sync has no such guard, and an echo of an older value could
 * overwrite a newer change (measured: a lost update in 1 of about 40 quick successive changes).
 *
 * <p>Switches are the role table's: {@code config.listener} (send local changes),
 * {@code handler.org.apache.karaf.cellar.config.ConfigurationEventHandler} (apply cluster changes),
 * {@code producer}; filtering and the join policy are Cellar's {@code <group>.config.*} keys.
 * Factory configurations are not synchronised.
 */
@Component(name = "io.karafha.config", immediate = true, service = {ConfigurationListener.class, EventHandler.class},
        property = "managed=true")
public class ConfigSync extends CellarSupport implements ConfigurationListener, EventHandler<ConfigSyncEvent> {

    static final String MAP_PREFIX = "io.karafha.config.";
    static final String CATEGORY = "config";
    static final String HANDLER_FLAG = "handler.org.apache.karaf.cellar.config.ConfigurationEventHandler";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);
    private static final Map<String, Object> ABSENT = Collections.emptyMap();

    @Reference
    private ClusterManager clusterManagerRef;
    @Reference
    private GroupManager groupManagerRef;
    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private ConfigRepository configRepository;
    @Reference
    private EventProducer<ConfigSyncEvent> producer;
    @Reference
    private HazelcastInstance hazelcast;

    private final Switch eventSwitch = new BasicSwitch(HANDLER_FLAG);
    /** What this node last applied from, or published to, the cluster: per PID, ABSENT once deleted. */
    private final Map<String, Map<String, Object>> known = new HashMap<>();
    /** Highest version applied, per group and PID. */
    private final Map<String, Long> appliedVersions = new HashMap<>();
    /** One thread does all the work, so joins, local changes and cluster changes never interleave. */
    private ScheduledExecutorService worker;
    private volatile boolean joined;
    private String lifecycleRegistration;

    @Activate
    void activate() {
        setClusterManager(clusterManagerRef);
        setGroupManager(groupManagerRef);
        setConfigurationAdmin(configAdmin);
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-config-sync"));
        worker.execute(this::join);
        // After a partition heals, Hazelcast merges this node back but replays no event of what
        // changed on the other side meanwhile: join again (pull newer versions, push local ones).
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.MERGED) {
                LOG.info("Cluster partition healed: configuration sync catches up with the cluster");
                worker.execute(this::join);
            }
        });
    }

    @Deactivate
    void deactivate() {
        try {
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        } catch (RuntimeException e) {
            LOG.debug("lifecycle listener already gone", e);
        }
        worker.shutdownNow();
    }

    // ---- joining: pull what the cluster has, then push what only this node has ----

    private void join() {
        try {
            for (Group group : groupManagerRef.listLocalGroups()) {
                String policy = nodeSetting(GROUPS_PID, group.getName() + ".config.sync", "cluster");
                if ("disabled".equals(policy)) {
                    continue;
                }
                if (!policy.equals("nodeOnly")) {
                    for (Object pid : map(group).keySet()) {
                        pull(group, (String) pid);
                    }
                }
                if (!policy.equals("clusterOnly")) {
                    Configuration[] all = configAdmin.listConfigurations(null);
                    for (Configuration c : all == null ? new Configuration[0] : all) {
                        if (c.getFactoryPid() == null && isAllowed(group, CATEGORY, c.getPid(), EventType.OUTBOUND)) {
                            push(group, c.getPid(), read(c.getPid()), "node".equals(policy) || "nodeOnly".equals(policy));
                        }
                    }
                }
            }
            LOG.info("Configuration sync joined the cluster groups {}", groupNames());
        } catch (Exception e) {
            LOG.error("Configuration sync could not join the cluster: {}", e.toString(), e);
        } finally {
            joined = true;
        }
    }

    // ---- local changes -> cluster ----

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getFactoryPid() != null || !joined || !flag("config.listener", false) || !flag("producer", true)) {
            return;
        }
        String pid = event.getPid();
        worker.execute(() -> localChange(pid, 0));
    }

    private synchronized void localChange(String pid, int attempt) {
        try {
            Map<String, Object> local = read(pid);
            Map<String, Object> before = known.get(pid);
            if (before != null && ConfigEntries.same(before == ABSENT ? null : before, local)) {
                return; // an echo of what this node applied or already sent
            }
            if (!settled(pid, local) && attempt < SETTLE_ATTEMPTS) {
                // fileinstall may be applying a cfg file it read before the latest write: that transient
                // value must not become a new cluster version. Look again once it has read the file anew.
                worker.schedule(() -> localChange(pid, attempt + 1), SETTLE_DELAY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            for (Group group : groupManagerRef.listLocalGroups()) {
                if (isAllowed(group, CATEGORY, pid, EventType.OUTBOUND)) {
                    push(group, pid, local, true);
                }
            }
        } catch (Exception e) {
            LOG.error("Configuration {} could not be sent to the cluster: {}", pid, e.toString(), e);
        }
    }

    /** Publishes the local state of a PID as a new version unless the cluster has it already. */
    private synchronized void push(Group group, String pid, Map<String, Object> local, boolean overwrite) {
        IMap<String, Map<String, Object>> map = map(group);
        long version;
        map.lock(pid);
        try {
            Map<String, Object> current = map.get(pid);
            if (current != null && (!overwrite || ConfigEntries.same(ConfigEntries.properties(current), local))) {
                known.put(pid, local == null ? ABSENT : local);
                return;
            }
            if (current == null && local == null) {
                return;
            }
            version = ConfigEntries.version(current) + 1;
            map.set(pid, ConfigEntries.entry(version, clusterManagerRef.getNode().getId(), local));
        } finally {
            map.unlock(pid);
        }
        known.put(pid, local == null ? ABSENT : local);
        appliedVersions.put(group.getName() + "/" + pid, version);
        ConfigSyncEvent event = new ConfigSyncEvent(pid, version);
        event.setSourceGroup(group);
        event.setSourceNode(clusterManagerRef.getNode());
        producer.produce(event);
        LOG.info("Configuration {} {} sent to cluster group {} as version {}", pid, local == null ? "deletion" : "change",
                group.getName(), version);
    }

    // ---- cluster changes -> local ----

    @Override
    public void handle(ConfigSyncEvent event) {
        if (getSwitch().getStatus() == SwitchStatus.OFF || event.getSourceGroup() == null
                || clusterManagerRef.getNode().getId().equals(event.getSourceNode().getId())
                || !groupManagerRef.isLocalGroup(event.getSourceGroup().getName())) {
            return;
        }
        Group group = event.getSourceGroup();
        worker.execute(() -> pull(group, event.getId()));
    }

    private synchronized void pull(Group group, String pid) {
        if (!isAllowed(group, CATEGORY, pid, EventType.INBOUND)) {
            return;
        }
        Map<String, Object> entry = map(group).get(pid);
        String key = group.getName() + "/" + pid;
        long version = ConfigEntries.version(entry);
        if (entry == null || version <= appliedVersions.getOrDefault(key, 0L)) {
            return;
        }
        appliedVersions.put(key, version);
        Map<String, Object> wanted = ConfigEntries.properties(entry);
        try {
            Map<String, Object> local = read(pid);
            known.put(pid, wanted == null ? ABSENT : wanted);
            if (ConfigEntries.same(local, wanted)) {
                return;
            }
            if (wanted == null) {
                configRepository.delete(pid);
            } else {
                apply(pid, wanted);
            }
            LOG.info("Configuration {} version {} from {} {} (cluster group {})", pid, version, entry.get(ConfigEntries.ORIGIN),
                    wanted == null ? "deleted here" : "applied here", group.getName());
        } catch (Exception e) {
            LOG.error("Configuration {} version {} could not be applied: {}", pid, version, e.toString(), e);
        }
    }

    /**
     * An existing file-backed configuration is updated in ConfigAdmin only: fileinstall writes the cfg
     * file itself (felix.fileinstall.enableConfigSave) and never re-reads its own write. Writing the
     * file here as well made two writers, and fileinstall could apply a read taken just before our
     * write about a second later, reverting the change. A PID new to this node is created with its
     * file through Karaf's ConfigRepository, as config:edit would.
     */
    private void apply(String pid, Map<String, Object> wanted) throws Exception {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        Object fileName = found == null || found.length == 0 || found[0].getProperties() == null ? null
                : found[0].getProperties().get("felix.fileinstall.filename");
        if (fileName == null) {
            configRepository.update(pid, new HashMap<>(wanted));
            return;
        }
        Dictionary<String, Object> dict = new Hashtable<>(wanted);
        dict.put("felix.fileinstall.filename", fileName);
        found[0].update(dict);
    }

    // ---- helpers ----

    static final int SETTLE_ATTEMPTS = 5;
    static final long SETTLE_DELAY_MS = 700;

    /** ConfigAdmin and the configuration's cfg file (if it has one) hold the same properties. */
    private boolean settled(String pid, Map<String, Object> local) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            Object fileName = found == null || found.length == 0 || found[0].getProperties() == null ? null
                    : found[0].getProperties().get("felix.fileinstall.filename");
            if (fileName == null) {
                return true;
            }
            Path file = Paths.get(URI.create(fileName.toString()));
            if (!file.getFileName().toString().endsWith(".cfg") || !Files.isRegularFile(file)) {
                return true;
            }
            Properties onDisk = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                onDisk.load(in);
            }
            Dictionary<String, Object> dict = new Hashtable<>();
            onDisk.forEach((k, v) -> dict.put(k.toString(), v));
            return ConfigEntries.same(ConfigEntries.filter(dict, excludedProperties()), local);
        } catch (IOException | RuntimeException | org.osgi.framework.InvalidSyntaxException e) {
            return true;
        }
    }

    private Map<String, Object> read(String pid) throws Exception {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        if (found == null || found.length == 0 || found[0].getProperties() == null) {
            return null;
        }
        return ConfigEntries.filter(found[0].getProperties(), excludedProperties());
    }

    @SuppressWarnings("unchecked")
    private IMap<String, Map<String, Object>> map(Group group) {
        return (IMap<String, Map<String, Object>>) clusterManagerRef.getMap(MAP_PREFIX + group.getName());
    }

    private Set<String> excludedProperties() {
        Set<String> excluded = new HashSet<>();
        for (String p : nodeSetting(NODE, "config.excluded.properties", "").split(",")) {
            if (!p.isBlank()) {
                excluded.add(p.trim());
            }
        }
        return excluded;
    }

    private static final String NODE = "org.apache.karaf.cellar.node";
    private static final String GROUPS_PID = "org.apache.karaf.cellar.groups";

    private String nodeSetting(String pid, String key, String fallback) {
        try {
            Configuration c = configAdmin.getConfiguration(pid, null);
            Object v = c.getProperties() == null ? null : c.getProperties().get(key);
            return v == null ? fallback : v.toString().trim();
        } catch (Exception e) {
            return fallback;
        }
    }

    private boolean flag(String key, boolean fallback) {
        return Boolean.parseBoolean(nodeSetting(NODE, key, String.valueOf(fallback)));
    }

    private Set<String> groupNames() {
        Set<String> names = new HashSet<>();
        groupManagerRef.listLocalGroups().forEach(g -> names.add(g.getName()));
        return names;
    }

    @Override
    public Class<ConfigSyncEvent> getType() {
        return ConfigSyncEvent.class;
    }

    @Override
    public Switch getSwitch() {
        if (flag(HANDLER_FLAG, false)) {
            eventSwitch.turnOn();
        } else {
            eventSwitch.turnOff();
        }
        return eventSwitch;
    }
}
