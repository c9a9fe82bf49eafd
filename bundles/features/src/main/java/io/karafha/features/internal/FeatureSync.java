package io.karafha.features.internal;

import java.io.File;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeatureEvent;
import org.apache.karaf.features.FeaturesListener;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.RepositoryEvent;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronises the features a user installs and the feature repositories a user adds between the
 * nodes of the Cellar groups this node is in. Replaces Cellar 4.2.1's feature sync (bundle
 * {@code org.apache.karaf.cellar.features}, left out of the role features): its listener reads
 * Cellar's map on Karaf's features thread and fails with ClassNotFoundException FeatureState on
 * Karaf 4.4, and its handler installs with Karaf's auto refresh, which restarted Cellar's own bundles.
 *
 * <p>Each group has a Hazelcast map (reached through Cellar's ClusterManager) of {@link SyncKey} to
 * {@link FeatureEntries}: installed or uninstalled (a tombstone), a version that grows by one per
 * change (taken under the map's lock) and the node that made it. A node publishes a change when its
 * own required features or repositories differ from what it last agreed with the cluster
 * ({@link SyncState}); it applies an entry whose version is newer than what it applied before, through
 * FeaturesService without refreshing any installed bundle ({@link LocalFeatures}). What it applied is
 * what it agrees on, so the feature events of its own apply are no change: no echo. Only features a
 * user asked for are synchronised; their dependencies follow on each node.
 *
 * <p>Switches are the role table's: {@code feature.listener} and {@code producer} (publish local
 * changes), {@code handler.org.apache.karaf.cellar.features.FeaturesEventHandler} (apply cluster
 * changes); the group's {@code <group>.features.whitelist/blacklist.inbound/outbound} lists of
 * {@code etc/org.apache.karaf.cellar.groups.cfg} filter feature names, {@code <group>.feature.sync =
 * disabled} turns a group off. The component starts once Karaf's boot features are installed.
 */
@Component(name = "io.karafha.features", immediate = true,
        service = {FeaturesListener.class, EventHandler.class}, property = "managed=true")
public class FeatureSync extends CellarSupport implements FeaturesListener, EventHandler<FeatureSyncEvent> {

    static final String MAP_PREFIX = "io.karafha.features.";
    /**
     * The list category: {@code <group>.features.whitelist/blacklist.inbound/outbound}. Cellar 4.2.1's own
     * {@code <group>.feature.*} lists are left to its bundle sync, which skips the bundles of a feature
     * they block: the kit blocks every feature there, so a feature's bundles travel only with the feature.
     */
    static final String CATEGORY = "features";
    static final String HANDLER_FLAG = "handler.org.apache.karaf.cellar.features.FeaturesEventHandler";
    static final String STATE_FILE = "feature-sync.properties";
    /** When to look at the local features after a feature event: Karaf saves its requirements at the end of a deployment. */
    static final long[] LOOK_AGAIN_MS = {300, 3000};
    static final long RETRY_MS = 3000;
    static final int ATTEMPTS = 3;
    private static final String NODE = "org.apache.karaf.cellar.node";
    private static final String GROUPS_PID = "org.apache.karaf.cellar.groups";
    private static final Logger LOG = LoggerFactory.getLogger(FeatureSync.class);

    @Reference
    private ClusterManager clusterManagerRef;
    @Reference
    private GroupManager groupManagerRef;
    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private EventProducer<FeatureSyncEvent> producer;
    @Reference
    private HazelcastInstance hazelcast;
    @Reference
    private FeaturesService featuresService;
    /** Only once the boot features are in: joining mid-boot would see a half-provisioned node. */
    @Reference
    private BootFinished bootFinished;

    private final Switch eventSwitch = new BasicSwitch(HANDLER_FLAG);
    private SyncState state;
    private LocalFeatures local;
    /** One thread does all the work: joins, local changes and cluster changes never interleave. */
    private ScheduledExecutorService worker;
    private volatile boolean joined;
    private String lifecycleRegistration;

    @Activate
    void activate(BundleContext context) {
        setClusterManager(clusterManagerRef);
        setGroupManager(groupManagerRef);
        setConfigurationAdmin(configAdmin);
        File file = context.getDataFile(STATE_FILE);
        state = new SyncState(file == null ? null : file.toPath());
        local = new LocalFeatures(featuresService, context);
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "karaf-ha-feature-sync"));
        worker.execute(this::join);
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.MERGED) {
                LOG.info("Cluster partition healed: feature sync catches up with the cluster");
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

    // ---- joining: what changed here while away is pushed, what changed in the cluster is applied ----

    private synchronized void join() {
        try {
            state.load();
            for (Group group : syncedGroups()) {
                Set<String> keys = new TreeSet<>(SyncKey::compare);
                keys.addAll(map(group).keySet());
                keys.addAll(localKeys());
                keys.addAll(state.keys(group.getName()));
                for (String key : keys) {
                    joinKey(group, key);
                }
            }
            state.save();
            LOG.info("Feature sync joined the cluster groups {}", names(syncedGroups()));
        } catch (Exception e) {
            LOG.error("Feature sync could not join the cluster: {}", e.toString(), e);
        } finally {
            joined = true;
        }
    }

    private void joinKey(Group group, String key) throws Exception {
        Map<String, Object> entry = map(group).get(key);
        boolean here = local.has(key);
        switch (SyncState.onJoin(here, state.known(group.getName(), key), entry)) {
            case PUSH:
                if (publishing() && allowed(group, key, EventType.OUTBOUND)) {
                    push(group, key, here);
                }
                break;
            case APPLY:
                if (getSwitch().getStatus() == SwitchStatus.ON && allowed(group, key, EventType.INBOUND)) {
                    apply(group, key, entry, 1);
                }
                break;
            default:
                if (entry != null) {
                    state.remember(group.getName(), key, here, FeatureEntries.version(entry));
                }
        }
    }

    // ---- local changes -> cluster ----

    @Override
    public void featureEvent(FeatureEvent event) {
        if (!event.isReplay()) {
            lookAgain();
        }
    }

    @Override
    public void repositoryEvent(RepositoryEvent event) {
        if (!event.isReplay()) {
            lookAgain();
        }
    }

    /** Runs on Karaf's features thread: only schedules a look at the local state, never touches the cluster. */
    private void lookAgain() {
        if (!joined) {
            return; // the join looks at everything
        }
        for (long delay : LOOK_AGAIN_MS) {
            worker.schedule(this::localChanges, delay, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void localChanges() {
        if (!publishing()) {
            return;
        }
        try {
            Set<String> here = localKeys();
            for (Group group : syncedGroups()) {
                Set<String> keys = new TreeSet<>(SyncKey::compare);
                keys.addAll(here);
                keys.addAll(state.keys(group.getName()));
                for (String key : keys) {
                    boolean installed = here.contains(key);
                    if (SyncState.onLocal(installed, state.known(group.getName(), key)) == SyncState.Action.PUSH
                            && allowed(group, key, EventType.OUTBOUND)) {
                        push(group, key, installed);
                    }
                }
            }
            state.save();
        } catch (Exception e) {
            LOG.error("Feature changes could not be sent to the cluster: {}", e.toString(), e);
        }
    }

    /** Publishes the local state of a key as a new version unless the cluster has that state already. */
    private void push(Group group, String key, boolean installed) {
        IMap<String, Map<String, Object>> map = map(group);
        long version;
        map.lock(key);
        try {
            Map<String, Object> current = map.get(key);
            if (current != null && FeatureEntries.installed(current) == installed) {
                state.remember(group.getName(), key, installed, FeatureEntries.version(current));
                return;
            }
            if (current == null && !installed) {
                return;
            }
            version = FeatureEntries.version(current) + 1;
            map.set(key, FeatureEntries.entry(version, clusterManagerRef.getNode().getId(), installed));
        } finally {
            map.unlock(key);
        }
        state.remember(group.getName(), key, installed, version);
        FeatureSyncEvent event = new FeatureSyncEvent(key, version);
        event.setSourceGroup(group);
        event.setSourceNode(clusterManagerRef.getNode());
        producer.produce(event);
        LOG.info("{} {} sent to cluster group {} as version {}", describe(key), installed ? "installed" : "uninstalled",
                group.getName(), version);
    }

    // ---- cluster changes -> local ----

    @Override
    public void handle(FeatureSyncEvent event) {
        if (getSwitch().getStatus() == SwitchStatus.OFF || event.getSourceGroup() == null || event.getSourceNode() == null
                || clusterManagerRef.getNode().getId().equals(event.getSourceNode().getId())
                || !groupManagerRef.isLocalGroup(event.getSourceGroup().getName())) {
            return;
        }
        Group group = event.getSourceGroup();
        String key = event.getId();
        worker.execute(() -> pull(group, key));
    }

    private synchronized void pull(Group group, String key) {
        try {
            Map<String, Object> entry = map(group).get(key);
            if (entry == null || FeatureEntries.version(entry) <= state.applied(group.getName(), key)
                    || !names(syncedGroups()).contains(group.getName())) {
                return;
            }
            if (!allowed(group, key, EventType.INBOUND)) {
                LOG.debug("{} is blocked inbound for cluster group {}", describe(key), group.getName());
                return;
            }
            apply(group, key, entry, 1);
            state.save();
        } catch (Exception e) {
            LOG.error("{} could not be read from cluster group {}: {}", describe(key), group.getName(), e.toString(), e);
        }
    }

    /** Applies an entry; what this node agrees on is the entry, so the feature events it causes are no change. */
    private void apply(Group group, String key, Map<String, Object> entry, int attempt) throws Exception {
        boolean wanted = FeatureEntries.installed(entry);
        long version = FeatureEntries.version(entry);
        state.remember(group.getName(), key, wanted, version);
        if (local.has(key) == wanted) {
            return;
        }
        long start = System.nanoTime();
        try {
            local.apply(key, wanted);
            LOG.info("{} version {} from {} {} here in {} ms (cluster group {})", describe(key), version,
                    FeatureEntries.origin(entry), wanted ? "installed" : "uninstalled",
                    (System.nanoTime() - start) / 1_000_000, group.getName());
        } catch (Exception e) {
            boolean here = local.has(key);
            state.remember(group.getName(), key, here, version);
            if (attempt < ATTEMPTS) {
                LOG.warn("{} version {} from {} could not be {} here ({}): trying again in {} ms", describe(key), version,
                        FeatureEntries.origin(entry), wanted ? "installed" : "uninstalled", e.toString(), RETRY_MS);
                worker.schedule(() -> retry(group, key, version, attempt + 1), RETRY_MS, TimeUnit.MILLISECONDS);
            } else {
                LOG.error("{} version {} from {} could not be {} here: {}; this node keeps it {} until the next change or join",
                        describe(key), version, FeatureEntries.origin(entry), wanted ? "installed" : "uninstalled", e.toString(),
                        here ? "installed" : "uninstalled", e);
            }
        }
    }

    private synchronized void retry(Group group, String key, long version, int attempt) {
        try {
            Map<String, Object> entry = map(group).get(key);
            if (FeatureEntries.version(entry) == version) {
                apply(group, key, entry, attempt);
                state.save();
            }
        } catch (Exception e) {
            LOG.error("{} could not be applied: {}", describe(key), e.toString(), e);
        }
    }

    // ---- helpers ----

    private Set<String> localKeys() throws Exception {
        Set<String> keys = new TreeSet<>(SyncKey::compare);
        keys.addAll(local.requiredRepositories());
        keys.addAll(local.requiredFeatures());
        return keys;
    }

    /** Feature keys go through the group's feature lists by feature name; repositories are not filtered (as in Cellar). */
    private boolean allowed(Group group, String key, EventType type) {
        return !SyncKey.isFeature(key) || isAllowed(group, CATEGORY, SyncKey.name(key), type);
    }

    private Set<Group> syncedGroups() {
        Set<Group> groups = new java.util.HashSet<>();
        for (Group g : groupManagerRef.listLocalGroups()) {
            if (!"disabled".equals(setting(GROUPS_PID, g.getName() + ".feature.sync", "cluster"))) {
                groups.add(g);
            }
        }
        return groups;
    }

    private boolean publishing() {
        return Boolean.parseBoolean(setting(NODE, "feature.listener", "false"))
                && Boolean.parseBoolean(setting(NODE, "producer", "true"));
    }

    @SuppressWarnings("unchecked")
    private IMap<String, Map<String, Object>> map(Group group) {
        return (IMap<String, Map<String, Object>>) clusterManagerRef.getMap(MAP_PREFIX + group.getName());
    }

    private String setting(String pid, String key, String fallback) {
        try {
            Configuration c = configAdmin.getConfiguration(pid, null);
            Object v = c.getProperties() == null ? null : c.getProperties().get(key);
            return v == null ? fallback : v.toString().trim();
        } catch (Exception e) {
            return fallback;
        }
    }

    private static String describe(String key) {
        return SyncKey.isRepository(key) ? "Features repository " + SyncKey.uri(key)
                : "Feature " + SyncKey.name(key) + "/" + SyncKey.version(key);
    }

    private static Set<String> names(Set<Group> groups) {
        Set<String> names = new TreeSet<>();
        groups.forEach(g -> names.add(g.getName()));
        return names;
    }

    @Override
    public Class<FeatureSyncEvent> getType() {
        return FeatureSyncEvent.class;
    }

    @Override
    public Switch getSwitch() {
        if (Boolean.parseBoolean(setting(NODE, HANDLER_FLAG, "false"))) {
            eventSwitch.turnOn();
        } else {
            eventSwitch.turnOff();
        }
        return eventSwitch;
    }
}
