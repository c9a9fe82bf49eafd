package io.karafha.config.internal;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import org.apache.karaf.cellar.core.CellarSupport;
import org.apache.karaf.cellar.core.ClusterManager;
import org.apache.karaf.cellar.core.Configurations;
import org.apache.karaf.cellar.core.Group;
import org.apache.karaf.cellar.core.GroupManager;
import org.apache.karaf.cellar.core.control.BasicSwitch;
import org.apache.karaf.cellar.core.control.Switch;
import org.apache.karaf.cellar.core.control.SwitchStatus;
import org.apache.karaf.cellar.core.event.EventHandler;
import org.apache.karaf.cellar.core.event.EventProducer;
import org.apache.karaf.cellar.core.event.EventType;
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
 * Synchronises ConfigAdmin configurations, singleton and factory ones, between the nodes of the
 * Cellar groups this node is in.
 *
 * <p>Each configuration has one entry per group in a Hazelcast map, keyed by its PID or, for a
 * factory configuration, by {@code factoryPid~name} ({@link ConfigKey}), with a version that grows by
 * one per change (taken under the map's lock, so concurrent changes on two nodes get distinct
 * versions and the highest wins everywhere). A node applies an entry only when its version is newer
 * than what it applied before, and remembers what it applied: the configuration events its own apply
 * causes are recognised as echoes and never sent back. Cellar 4.2.1's own config sync has no such
 * guard, and an echo of an older value could overwrite a newer change.
 *
 * <p>What a node applies is written the way Karaf's config commands write: cfg file first, then
 * ConfigAdmin ({@link LocalConfigs}). Should fileinstall still put an older file back into ConfigAdmin
 * (its poll read the file just before the newer version was written), the synchroniser sees a
 * configuration go back to a version it applied moments ago, writes the newer one again, and does not
 * mistake the older one for a local edit: sent to the cluster it would replace the newer version on
 * every node. (The lost keys of quick {@code config:property-set} sequences had another cause, on the
 * node running the commands: see {@link ConfigFileSaver}.)
 *
 * <p>Switches are the role table's: {@code config.listener} (send local changes),
 * {@code handler.org.apache.karaf.cellar.config.ConfigurationEventHandler} (apply cluster changes),
 * {@code producer}; filtering and the join policy are Cellar's {@code <group>.config.*} keys, matched
 * against the PID, or the factory PID (and, for the black list, {@code factoryPid~name} as well).
 */
@Component(name = "io.karafha.config", immediate = true,
        service = {ConfigurationListener.class, EventHandler.class, ClusterConfigs.class}, property = "managed=true")
public class ConfigSync extends CellarSupport implements ConfigurationListener, EventHandler<ConfigSyncEvent>, ClusterConfigs {

    static final String MAP_PREFIX = "io.karafha.config.";
    static final String CATEGORY = "config";
    static final String HANDLER_FLAG = "handler.org.apache.karaf.cellar.config.ConfigurationEventHandler";
    /** How long an applied version counts as "just replaced" when a configuration goes back to it. */
    static final long STALE_WINDOW_MS = 10_000;
    static final int SETTLE_ATTEMPTS = 5;
    static final long SETTLE_DELAY_MS = 700;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);
    private static final Map<String, Object> ABSENT = Collections.emptyMap();

    @Reference
    private ClusterManager clusterManagerRef;
    @Reference
    private GroupManager groupManagerRef;
    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private EventProducer<ConfigSyncEvent> producer;
    @Reference
    private HazelcastInstance hazelcast;

    private final Switch eventSwitch = new BasicSwitch(HANDLER_FLAG);
    /** What this node last applied from, or published to, the cluster: per key, ABSENT once deleted. */
    private final Map<ConfigKey, Map<String, Object>> known = new HashMap<>();
    /** Versions applied from the cluster in the last STALE_WINDOW_MS, per key. */
    private final Map<ConfigKey, Deque<Applied>> recentlyApplied = new HashMap<>();
    /** Highest version applied, per group and key. */
    private final Map<String, Long> appliedVersions = new HashMap<>();
    /** Keys of this node's configurations by their node-local PID (a deleted one can no longer be read). */
    private final Map<String, ConfigKey> keysByPid = new HashMap<>();
    private LocalConfigs local;
    /** One thread does all the work, so joins, local changes and cluster changes never interleave. */
    private ScheduledExecutorService worker;
    private volatile boolean joined;
    private String lifecycleRegistration;

    private static final class Applied {
        final Map<String, Object> properties;
        final long at;

        Applied(Map<String, Object> properties, long at) {
            this.properties = properties;
            this.at = at;
        }
    }

    @Activate
    void activate() {
        setClusterManager(clusterManagerRef);
        setGroupManager(groupManagerRef);
        setConfigurationAdmin(configAdmin);
        local = new LocalConfigs(configAdmin, LocalConfigs.etcOf(System.getProperty("karaf.etc")));
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

    private synchronized void join() {
        try {
            for (Group group : groupManagerRef.listLocalGroups()) {
                String policy = nodeSetting(GROUPS_PID, group.getName() + ".config.sync", "cluster");
                if ("disabled".equals(policy)) {
                    continue;
                }
                if (!policy.equals("nodeOnly")) {
                    for (String key : map(group).keySet()) {
                        pull(group, key);
                    }
                }
                if (!policy.equals("clusterOnly")) {
                    for (Configuration c : local.all()) {
                        ConfigKey key = LocalConfigs.keyOf(c);
                        keysByPid.put(c.getPid(), key);
                        if (allowed(group, key, EventType.OUTBOUND)) {
                            push(group, key, local.read(key, excludedProperties()), "node".equals(policy) || "nodeOnly".equals(policy));
                        }
                    }
                }
            }
            LOG.info("Configuration sync joined the cluster groups {}", groupNames(groupManagerRef.listLocalGroups()));
        } catch (Exception e) {
            LOG.error("Configuration sync could not join the cluster: {}", e.toString(), e);
        } finally {
            joined = true;
        }
    }

    // ---- local changes -> cluster ----

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!joined || !flag("config.listener", false) || !flag("producer", true)) {
            return;
        }
        String pid = event.getPid();
        boolean deleted = event.getType() == ConfigurationEvent.CM_DELETED;
        worker.execute(() -> localEvent(pid, deleted));
    }

    private synchronized void localEvent(String pid, boolean deleted) {
        try {
            ConfigKey key = deleted ? keysByPid.remove(pid) : local.keyOf(pid);
            if (key == null) {
                return; // a factory configuration without a stable name stays on its node
            }
            if (!deleted) {
                keysByPid.put(pid, key);
            }
            localChange(key, 0);
        } catch (Exception e) {
            LOG.error("Configuration {} could not be sent to the cluster: {}", pid, e.toString(), e);
        }
    }

    private synchronized void localChange(ConfigKey key, int attempt) {
        try {
            Set<String> excluded = excludedProperties();
            Map<String, Object> now = local.read(key, excluded);
            Map<String, Object> before = known.get(key);
            if (before != null && ConfigEntries.same(before == ABSENT ? null : before, now)) {
                return; // an echo of what this node applied or already sent
            }
            if (before != null && before != ABSENT && wentBack(key, now)) {
                // fileinstall applied a cfg file it read before this node wrote the newer version
                local.write(key, before);
                LOG.info("Configuration {} went back to an older version here (fileinstall re-read its cfg file): the newer one written again",
                        key);
                return;
            }
            if (now != null && !local.settled(key, now, excluded) && attempt < SETTLE_ATTEMPTS) {
                // fileinstall may be applying a cfg file it read before the latest write: that transient
                // value must not become a new cluster version. Look again once it has read the file anew.
                worker.schedule(() -> localChange(key, attempt + 1), SETTLE_DELAY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            for (Group group : groupManagerRef.listLocalGroups()) {
                if (allowed(group, key, EventType.OUTBOUND)) {
                    push(group, key, now, true);
                }
            }
        } catch (Exception e) {
            LOG.error("Configuration {} could not be sent to the cluster: {}", key, e.toString(), e);
        }
    }

    /** The configuration now holds a version this node applied from the cluster moments ago. */
    private boolean wentBack(ConfigKey key, Map<String, Object> now) {
        Deque<Applied> recent = recentlyApplied.get(key);
        if (recent == null || now == null) {
            return false;
        }
        long t = System.currentTimeMillis();
        recent.removeIf(a -> t - a.at > STALE_WINDOW_MS);
        return recent.stream().anyMatch(a -> ConfigEntries.same(a.properties, now));
    }

    /** Publishes the local state of a configuration as a new version unless the cluster has it already. */
    private synchronized void push(Group group, ConfigKey key, Map<String, Object> now, boolean overwrite) {
        IMap<String, Map<String, Object>> map = map(group);
        String k = key.toString();
        long version;
        map.lock(k);
        try {
            Map<String, Object> current = map.get(k);
            if (current != null && (!overwrite || ConfigEntries.same(ConfigEntries.properties(current), now))) {
                known.put(key, now == null ? ABSENT : now);
                return;
            }
            if (current == null && now == null) {
                return;
            }
            version = ConfigEntries.version(current) + 1;
            map.set(k, ConfigEntries.entry(version, clusterManagerRef.getNode().getId(), now));
        } finally {
            map.unlock(k);
        }
        known.put(key, now == null ? ABSENT : now);
        recentlyApplied.remove(key);
        appliedVersions.put(group.getName() + "/" + k, version);
        send(group, k, version, false);
        LOG.info("Configuration {} {} sent to cluster group {} as version {}", k, now == null ? "deletion" : "change",
                group.getName(), version);
    }

    private void send(Group group, String key, long version, boolean force) {
        ConfigSyncEvent event = new ConfigSyncEvent(key, version);
        event.setSourceGroup(group);
        event.setSourceNode(clusterManagerRef.getNode());
        event.setForce(force);
        producer.produce(event);
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

    private synchronized void pull(Group group, String k) {
        ConfigKey key = ConfigKey.parse(k);
        if (!allowed(group, key, EventType.INBOUND)) {
            return;
        }
        Map<String, Object> entry = map(group).get(k);
        String versionKey = group.getName() + "/" + k;
        long version = ConfigEntries.version(entry);
        if (entry == null || version <= appliedVersions.getOrDefault(versionKey, 0L)) {
            return;
        }
        appliedVersions.put(versionKey, version);
        Map<String, Object> wanted = ConfigEntries.properties(entry);
        try {
            Set<String> excluded = excludedProperties();
            Map<String, Object> now = local.read(key, excluded);
            known.put(key, wanted == null ? ABSENT : wanted);
            if (wanted != null) {
                recentlyApplied.computeIfAbsent(key, x -> new ArrayDeque<>()).add(new Applied(wanted, System.currentTimeMillis()));
            }
            if (ConfigEntries.same(now, wanted)) {
                return;
            }
            if (wanted == null) {
                local.delete(key);
            } else {
                local.write(key, wanted);
            }
            LOG.info("Configuration {} version {} from {} {} (cluster group {})", k, version, entry.get(ConfigEntries.ORIGIN),
                    wanted == null ? "deleted here" : "applied here", group.getName());
        } catch (Exception e) {
            LOG.error("Configuration {} version {} could not be applied: {}", k, version, e.toString(), e);
        }
    }

    // ---- cluster:config-* commands ----

    @Override
    public Set<String> groupNames() {
        return groupNames(groupManagerRef.listAllGroups());
    }

    @Override
    public SortedMap<String, Map<String, Object>> cluster(String groupName) {
        IMap<String, Map<String, Object>> map = map(group(groupName));
        SortedMap<String, Map<String, Object>> result = new TreeMap<>();
        for (Map.Entry<String, Map<String, Object>> e : map.entrySet()) {
            Map<String, Object> props = ConfigEntries.properties(e.getValue());
            if (props != null) {
                result.put(e.getKey(), new TreeMap<>(props));
            }
        }
        return result;
    }

    @Override
    public SortedMap<String, Map<String, Object>> local() {
        SortedMap<String, Map<String, Object>> result = new TreeMap<>();
        try {
            Set<String> excluded = excludedProperties();
            for (Configuration c : local.all()) {
                result.put(LocalConfigs.keyOf(c).toString(), ConfigEntries.filter(c.getProperties(), excluded));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list this node's configurations: " + e, e);
        }
        return result;
    }

    @Override
    public boolean allowed(String groupName, String key, boolean outbound) {
        return allowed(group(groupName), ConfigKey.parse(key), outbound ? EventType.OUTBOUND : EventType.INBOUND);
    }

    @Override
    public synchronized long change(String groupName, String k, UnaryOperator<Map<String, Object>> edit) {
        Group group = group(groupName);
        ConfigKey key = ConfigKey.parse(k);
        if (!allowed(group, key, EventType.OUTBOUND)) {
            throw new IllegalArgumentException("Configuration PID " + key + " is blocked outbound for cluster group " + groupName
                    + " (" + groupName + ".config.*list.outbound in etc/" + GROUPS_PID + ".cfg); nothing was changed");
        }
        IMap<String, Map<String, Object>> map = map(group);
        long version;
        Map<String, Object> next;
        map.lock(k);
        try {
            Map<String, Object> current = map.get(k);
            Map<String, Object> props = ConfigEntries.properties(current);
            next = edit.apply(props == null ? new TreeMap<>() : new TreeMap<>(props));
            if (next == null && props == null) {
                throw new IllegalArgumentException("Configuration PID " + key + " not found in cluster group " + groupName);
            }
            version = ConfigEntries.version(current) + 1;
            map.set(k, ConfigEntries.entry(version, clusterManagerRef.getNode().getId(), next));
        } finally {
            map.unlock(k);
        }
        // forced: a node whose producer is off (the balancer) may still change a group it can see
        send(group, k, version, true);
        LOG.info("Configuration {} {} set in cluster group {} as version {} by a cluster:config command", k,
                next == null ? "deletion" : "change", groupName, version);
        if (groupManagerRef.isLocalGroup(groupName) && getSwitch().getStatus() == SwitchStatus.ON) {
            worker.execute(() -> pull(group, k));
        }
        return version;
    }

    private Group group(String name) {
        Group group = name == null ? null : groupManagerRef.findGroupByName(name);
        if (group == null) {
            throw new IllegalArgumentException("Cluster group " + name + " doesn't exist; cluster groups: " + groupNames());
        }
        return group;
    }

    // ---- helpers ----

    /** The group's lists allow the configuration: by PID or factory PID, and not black-listed by its full key. */
    private boolean allowed(Group group, ConfigKey key, EventType type) {
        if (!isAllowed(group, CATEGORY, key.basePid(), type)) {
            return false;
        }
        if (!key.isFactory()) {
            return true;
        }
        for (String pattern : getListEntries(Configurations.BLACKLIST, group, CATEGORY, type)) {
            if (wildCardMatch(key.toString(), pattern)) {
                return false;
            }
        }
        return true;
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

    private static Set<String> groupNames(Set<Group> groups) {
        Set<String> names = new TreeSet<>();
        groups.forEach(g -> names.add(g.getName()));
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
