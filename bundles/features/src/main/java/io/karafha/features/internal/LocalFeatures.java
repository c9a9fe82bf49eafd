package io.karafha.features.internal;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.FeaturesService.Option;
import org.apache.karaf.features.Repository;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's features as the synchroniser sees them, through Karaf's FeaturesService: the features a
 * user installed ("required", without the ones installed as dependencies) and the repositories a user
 * added, as {@link SyncKey}s; and the changes applied from the cluster.
 *
 * <p>A change from the cluster is applied with {@link Option#NoAutoRefreshBundles}: Karaf does not
 * refresh bundles already installed (Cellar's, Karaf's, the kit's own) to rewire them to what the
 * feature brings; the feature's own bundles are resolved fresh. A repository is added or removed
 * without installing or uninstalling its features.
 */
class LocalFeatures {

    static final EnumSet<Option> NO_REFRESH = EnumSet.of(Option.NoAutoRefreshBundles);
    private static final Logger LOG = LoggerFactory.getLogger(LocalFeatures.class);

    private final FeaturesService features;
    private final BundleContext context;

    LocalFeatures(FeaturesService features, BundleContext context) {
        this.features = features;
        this.context = context;
    }

    /** Feature keys of the features required on this node (installed by a user or as a boot feature). */
    Set<String> requiredFeatures() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Feature f : features.listRequiredFeatures()) {
            keys.add(SyncKey.feature(f.getName(), f.getVersion()));
        }
        return keys;
    }

    /** Repository keys of the repositories added on this node (not the ones only referenced by others). */
    Set<String> requiredRepositories() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Repository r : features.listRequiredRepositories()) {
            keys.add(SyncKey.repository(r.getURI().toString()));
        }
        return keys;
    }

    boolean has(String key) throws Exception {
        return SyncKey.isRepository(key) ? requiredRepositories().contains(key) : requiredFeatures().contains(key);
    }

    /** Installs or uninstalls the feature, adds or removes the repository. */
    void apply(String key, boolean installed) throws Exception {
        if (SyncKey.isRepository(key)) {
            URI uri = URI.create(SyncKey.uri(key));
            if (installed) {
                features.addRepository(uri, false);
            } else {
                features.removeRepository(uri, false);
            }
        } else if (installed) {
            features.installFeature(SyncKey.name(key), SyncKey.version(key), NO_REFRESH);
            if (context != null) {
                List<String> started = UnstartedBundles.start(features, context, SyncKey.name(key), SyncKey.version(key));
                if (!started.isEmpty()) {
                    LOG.warn("Feature {}/{}: bundles installed before it outside features (Cellar's bundle sync) were left unstarted by Karaf: started {}",
                            SyncKey.name(key), SyncKey.version(key), started);
                }
            }
        } else {
            features.uninstallFeature(SyncKey.name(key), SyncKey.version(key), NO_REFRESH);
        }
    }
}
