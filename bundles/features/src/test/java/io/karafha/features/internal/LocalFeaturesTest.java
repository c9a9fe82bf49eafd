package io.karafha.features.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.FeaturesService.Option;
import org.apache.karaf.features.Repository;
import org.junit.Test;

public class LocalFeaturesTest {

    private final List<String> calls = new ArrayList<>();

    private FeaturesService features() {
        return (FeaturesService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FeaturesService.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "listRequiredFeatures":
                            return new Feature[] {feature("ha-demo", "1.0.0.SNAPSHOT"), feature("ssh", "4.4.10")};
                        case "listRequiredRepositories":
                            return new Repository[] {repository("mvn:io.karafha/karaf-ha-features/1.0.0-SNAPSHOT/xml/features")};
                        default:
                            calls.add(method.getName() + Arrays.toString(args));
                            return null;
                    }
                });
    }

    private static Feature feature(String name, String version) {
        return (Feature) Proxy.newProxyInstance(LocalFeaturesTest.class.getClassLoader(), new Class<?>[] {Feature.class},
                (proxy, method, args) -> method.getName().equals("getName") ? name : method.getName().equals("getVersion") ? version : null);
    }

    private static Repository repository(String uri) {
        return (Repository) Proxy.newProxyInstance(LocalFeaturesTest.class.getClassLoader(), new Class<?>[] {Repository.class},
                (proxy, method, args) -> method.getName().equals("getURI") ? URI.create(uri) : null);
    }

    @Test
    public void requiredFeaturesAndRepositoriesAreKeys() throws Exception {
        LocalFeatures local = new LocalFeatures(features(), null);
        assertEquals(Set.of("feature:ha-demo/1.0.0.SNAPSHOT", "feature:ssh/4.4.10"), local.requiredFeatures());
        assertEquals(Set.of("repository:mvn:io.karafha/karaf-ha-features/1.0.0-SNAPSHOT/xml/features"), local.requiredRepositories());
        assertTrue(local.has("feature:ssh/4.4.10"));
        assertFalse(local.has("feature:ssh/4.4.9"));
        assertFalse(local.has("repository:file:/x.xml"));
    }

    @Test
    public void featuresAreAppliedWithoutRefreshingInstalledBundles() throws Exception {
        LocalFeatures local = new LocalFeatures(features(), null);
        local.apply("feature:ha-cxf-demo/1.0.0.SNAPSHOT", true);
        local.apply("feature:ha-demo/1.0.0.SNAPSHOT", false);
        EnumSet<Option> noRefresh = EnumSet.of(Option.NoAutoRefreshBundles);
        assertEquals(List.of("installFeature[ha-cxf-demo, 1.0.0.SNAPSHOT, " + noRefresh + "]",
                "uninstallFeature[ha-demo, 1.0.0.SNAPSHOT, " + noRefresh + "]"), calls);
    }

    @Test
    public void repositoriesAreAddedAndRemovedWithoutTheirFeatures() throws Exception {
        LocalFeatures local = new LocalFeatures(features(), null);
        local.apply("repository:file:/tmp/probe.xml", true);
        local.apply("repository:file:/tmp/probe.xml", false);
        assertEquals(List.of("addRepository[file:/tmp/probe.xml, false]", "removeRepository[file:/tmp/probe.xml, false]"), calls);
    }
}
