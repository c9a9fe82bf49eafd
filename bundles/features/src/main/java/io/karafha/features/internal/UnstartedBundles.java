package io.karafha.features.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * After a feature is installed from the cluster: starts the bundles of the feature (and of the installed
 * features it depends on) that should run but do not. Karaf's deployer does not start a bundle that was
 * already installed outside features when the feature came: Cellar 4.2.1's bundle sync can install a
 * feature's bundles as loose bundles from its cluster map when a node joins, at the moment the feature
 * sync installs the feature (live bundle events of features are blocked by the kit's groups lists).
 */
final class UnstartedBundles {

    private UnstartedBundles() {
    }

    /** Starts them; returns "symbolicName/version" of each bundle started. */
    static List<String> start(FeaturesService features, BundleContext context, String name, String version) throws Exception {
        List<String> started = new ArrayList<>();
        Deque<Feature> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        Feature root = features.getFeature(name, version);
        if (root != null) {
            todo.add(root);
        }
        while (!todo.isEmpty()) {
            Feature f = todo.poll();
            if (!seen.add(f.getId()) || !features.isInstalled(f)) {
                continue;
            }
            for (BundleInfo info : f.getBundles()) {
                Bundle b = context.getBundle(info.getLocation());
                if (info.isStart() && b != null && b.getHeaders().get(Constants.FRAGMENT_HOST) == null
                        && (b.getState() == Bundle.INSTALLED || b.getState() == Bundle.RESOLVED)) {
                    b.start();
                    started.add(b.getSymbolicName() + "/" + b.getVersion());
                }
            }
            for (Dependency d : f.getDependencies()) {
                for (Feature dep : features.getFeatures(d.getName(), d.getVersion())) {
                    todo.add(dep);
                }
            }
        }
        return started;
    }
}
