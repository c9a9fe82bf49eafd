package io.karafha.cxf;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.hazelcast.core.HazelcastInstance;
import io.karafha.cxf.test.Greeter;
import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.hazelcast.HazelcastEndpointRegistry;
import io.karafha.registry.test.TestCluster;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.junit.Test;

/** Settings a user can get wrong, and a registry that cannot be reached: clear errors, no hang. */
public class ClusterFailoverFeatureSettingsTest {

    private static Object create(ClusterFailoverFeature feature) {
        JaxWsProxyFactoryBean f = new JaxWsProxyFactoryBean();
        f.setServiceClass(Greeter.class);
        f.setAddress("http://127.0.0.1:1/not-used");
        f.getFeatures().add(feature);
        return f.create();
    }

    private static String error(ClusterFailoverFeature feature) {
        try {
            create(feature);
        } catch (RuntimeException e) {
            return ClusterFailoverFeatureTest.causes(e);
        }
        fail("the client was created");
        return null;
    }

    @Test(timeout = 30_000)
    public void anUnknownExceptionClassIsNamed() {
        ClusterFailoverFeature feature = new ClusterFailoverFeature(null, "demo/fo");
        feature.setExceptions("java.net.ConnectException;java.net.ConectException");
        String error = error(feature);
        assertTrue(error, error.contains("'exceptions' names class 'java.net.ConectException', which cannot be loaded"));
    }

    @Test(timeout = 30_000)
    public void aClassThatIsNoExceptionIsNamed() {
        ClusterFailoverFeature feature = new ClusterFailoverFeature(null, "demo/fo");
        feature.setExceptions("java.lang.String");
        String error = error(feature);
        assertTrue(error, error.contains("'java.lang.String', which is not an exception"));
    }

    @Test(timeout = 30_000)
    public void anEmptyOrGarbagePathIsNamed() {
        assertTrue(error(new ClusterFailoverFeature(null, "")).contains("The registry path is empty"));
        String error = error(new ClusterFailoverFeature(null, "demo//fo?x"));
        assertTrue(error, error.contains("'demo//fo?x' is not a registry path"));
    }

    @Test(timeout = 30_000)
    public void anUnreachableRegistryIsAClearErrorAfterTheMaximumWait() {
        HazelcastInstance member = new TestCluster().member();
        EndpointRegistry registry = new HazelcastEndpointRegistry(member);
        member.getLifecycleService().terminate();
        ClusterFailoverFeature feature = new ClusterFailoverFeature(registry, "demo/fo");
        feature.setMaximumConnectionTimeout(1500);
        feature.setConnectionRetryTime(50);
        long t0 = System.nanoTime();
        String error = error(feature);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(error, error.contains("the cluster registry was not reachable within 1500 ms (maximumConnectionTimeout)"));
        assertTrue("waited the maximum: " + took + " ms", took >= 1500 && took < 4000);
    }
}
