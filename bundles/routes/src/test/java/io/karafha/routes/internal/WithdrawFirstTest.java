package io.karafha.routes.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;

public class WithdrawFirstTest {

    private final ServedPaths served = new ServedPaths();
    private final WithdrawFirst hook = new WithdrawFirst(served, RoutePublisher.PROXY_SERVLET_PREFIX);

    @Before
    public void bothServed() {
        served.registered(Set.of("/hello", "/session"));
    }

    @Test
    public void aServletServiceUnregisteringIsNotServedAtOnce() {
        hook.event(new ServiceEvent(ServiceEvent.UNREGISTERING, servlet("/hello")), Map.of());
        assertFalse(served.serves("/hello"));
        assertTrue("the other servlet stays", served.serves("/session"));
    }

    @Test
    public void otherServiceEventsChangeNothing() {
        hook.event(new ServiceEvent(ServiceEvent.REGISTERED, servlet("/hello")), Map.of());
        hook.event(new ServiceEvent(ServiceEvent.MODIFIED, servlet("/hello")), Map.of());
        hook.event(new ServiceEvent(ServiceEvent.UNREGISTERING, service(Map.of("objectClass", new String[] {"java.lang.Runnable"}))), Map.of());
        assertTrue(served.serves("/hello"));
    }

    @Test
    public void aBundleStartingToStopServesNoneOfItsServletsFromNow() {
        hook.event(new BundleEvent(BundleEvent.STOPPING, bundle(42, servlet("/hello"), servlet("/session"))), List.of());
        assertFalse(served.serves("/hello"));
        assertFalse(served.serves("/session"));
    }

    @Test
    public void aDeploymentOfThatPathAfterTheWithdrawalServesItAgain() {
        hook.event(new BundleEvent(BundleEvent.STOPPING, bundle(42, servlet("/hello"), servlet("/session"))), List.of());
        served.deployed(Set.of("/session"));
        assertFalse("another servlet deployed first: /hello is not back yet", served.serves("/hello"));
        assertTrue(served.serves("/session"));
        served.deployed(Set.of("/hello"));
        assertTrue(served.serves("/hello"));
    }

    @Test
    public void paxWebBuildingItsServerAgainServesNothingUntilDeployedAgain() {
        hook.event(new ServiceEvent(ServiceEvent.UNREGISTERING,
                service(Map.of("objectClass", new String[] {"org.osgi.service.http.runtime.HttpServiceRuntime"}))), Map.of());
        assertFalse(served.serves("/hello"));
        assertFalse(served.serves("/session"));
        served.deployed(Set.of("/hello"));
        assertTrue(served.serves("/hello"));
        assertFalse(served.serves("/session"));
    }

    @Test
    public void theFrameworkStoppingIsLeftToTheDrain() {
        hook.event(new BundleEvent(BundleEvent.STOPPING, bundle(0, servlet("/hello"))), List.of());
        hook.event(new BundleEvent(BundleEvent.STOPPED, bundle(42, servlet("/hello"))), List.of());
        assertTrue(served.serves("/hello"));
    }

    private static ServiceReference<?> servlet(String pattern) {
        return service(Map.of("objectClass", new String[] {"javax.servlet.Servlet"},
                "osgi.http.whiteboard.servlet.pattern", pattern));
    }

    private static ServiceReference<?> service(Map<String, Object> props) {
        return (ServiceReference<?>) Proxy.newProxyInstance(WithdrawFirstTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "getProperty": return props.get((String) args[0]);
                        case "hashCode": return System.identityHashCode(p);
                        case "equals": return p == args[0];
                        case "toString": return "ref" + props;
                        default: return null;
                    }
                });
    }

    private static Bundle bundle(long id, ServiceReference<?>... services) {
        return (Bundle) Proxy.newProxyInstance(WithdrawFirstTest.class.getClassLoader(),
                new Class<?>[] {Bundle.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "getBundleId": return id;
                        case "getRegisteredServices": return services;
                        case "hashCode": return System.identityHashCode(p);
                        case "equals": return p == args[0];
                        case "toString": return "bundle " + id;
                        default: return null;
                    }
                });
    }
}
