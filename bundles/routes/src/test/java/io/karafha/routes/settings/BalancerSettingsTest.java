package io.karafha.routes.settings;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

public class BalancerSettingsTest {

    private static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static void assertRejected(String key, Object value, String shownValue) {
        Map<String, Object> m = config("connect.timeout.ms", "2000", "unknown.key", "whatever");
        m.put(key, value);
        try {
            BalancerSettings.parse(m);
            fail(key + "=" + value + " accepted");
        } catch (InvalidSettingsException e) {
            assertEquals(key, e.key());
            assertTrue(e.getMessage(), e.getMessage().contains("'" + key + "'"));
            assertTrue(e.getMessage(), e.getMessage().contains("'" + shownValue + "'"));
            assertTrue(e.getMessage(), e.getMessage().contains("expected"));
        }
    }

    @Test
    public void defaults() {
        BalancerSettings s = BalancerSettings.parse(Map.of());
        assertEquals(Policy.FAILOVER, s.getPolicy());
        assertEquals(Map.of(), s.getRoutePolicies());
        assertEquals(1000, s.getConnectTimeoutMs());
        assertEquals(5000, s.getResponseTimeoutMs());
        assertEquals(10000, s.getRetryIntervalMs());
        assertEquals(7, s.getExceptions().size());
        assertEquals("java.net.ConnectException", s.getExceptions().get(0));
        assertEquals(Set.of(502, 503, 504), s.getFailoverOnStatus());
        assertEquals(0, s.getMaxAttempts());
        assertFalse(s.isReplayNonIdempotent());
        assertEquals(10485760L, s.getMaxRequestBytes());
        assertEquals(104857600L, s.getMaxResponseBytes());
        assertEquals(List.of("/system/console*", "/karaf-ha/*"), s.getExcludePaths());
        assertEquals(List.of("*"), s.getIncludePaths());
        assertEquals(s, BalancerSettings.parse(null));
        assertEquals(s, BalancerSettings.defaults());
    }

    @Test
    public void typedValuesAreAccepted() {
        BalancerSettings s = BalancerSettings.parse(config(
                "policy", " Round-Robin ", "connect.timeout.ms", 250, "retry.interval.ms", 0L,
                "replay.non.idempotent", Boolean.TRUE, "max.attempts", new String[] {"3"},
                "exceptions", new String[] {"java.io.IOException", " java.util.concurrent.TimeoutException "},
                "failover.on.status", "none", "max.request.bytes", "0", "service.pid", "io.karafha.balancer"));
        assertEquals(Policy.ROUND_ROBIN, s.getPolicy());
        assertEquals(250, s.getConnectTimeoutMs());
        assertEquals(0, s.getRetryIntervalMs());
        assertTrue(s.isReplayNonIdempotent());
        assertEquals(3, s.getMaxAttempts());
        assertEquals(List.of("java.io.IOException", "java.util.concurrent.TimeoutException"), s.getExceptions());
        assertEquals(Set.of(), s.getFailoverOnStatus());
        assertEquals(0, s.getMaxRequestBytes());
        assertEquals(Set.of(), BalancerSettings.parse(config("failover.on.status", "")).getFailoverOnStatus());
        assertEquals(Set.of(500, 599), BalancerSettings.parse(config("failover.on.status", " 599 ,500")).getFailoverOnStatus());
    }

    @Test
    public void everyBadValueIsRejectedWithItsKey() {
        assertRejected("policy", "random", "random");
        assertRejected("policy", "", "");
        assertRejected("route.policies", "hello=round-robin", "hello=round-robin");
        assertRejected("route.policies", "/hello", "/hello");
        assertRejected("route.policies", "/hello=sticky", "/hello=sticky");
        assertRejected("route.policies", "/a=failover,/a=round-robin", "/a=round-robin");
        assertRejected("route.policies", "/a=failover,", "/a=failover,");
        assertRejected("connect.timeout.ms", "0", "0");
        assertRejected("connect.timeout.ms", 600001, "600001");
        assertRejected("connect.timeout.ms", "1s", "1s");
        assertRejected("connect.timeout.ms", true, "true");
        assertRejected("connect.timeout.ms", "", "");
        assertRejected("connect.timeout.ms", 1.5d, "1.5");
        assertRejected("connect.timeout.ms", new String[] {"1", "2"}, "[1, 2]");
        assertRejected("response.timeout.ms", "0", "0");
        assertRejected("response.timeout.ms", 3600001L, "3600001");
        assertRejected("retry.interval.ms", "-1", "-1");
        assertRejected("retry.interval.ms", 86400001L, "86400001");
        assertRejected("exceptions", "ConnectException", "ConnectException");
        assertRejected("exceptions", "java.net.ConnectException;;java.io.EOFException", "java.net.ConnectException;;java.io.EOFException");
        assertRejected("exceptions", "java.net.ConnectException;", "java.net.ConnectException;");
        assertRejected("exceptions", "java.net.Connect Exception", "java.net.Connect Exception");
        assertRejected("exceptions", "java..IOException", "java..IOException");
        assertRejected("exceptions", "java.1net.X", "java.1net.X");
        assertRejected("exceptions", "", "");
        assertRejected("failover.on.status", "404", "404");
        assertRejected("failover.on.status", "600", "600");
        assertRejected("failover.on.status", "503,,504", "503,,504");
        assertRejected("failover.on.status", "bad", "bad");
        assertRejected("max.attempts", "-1", "-1");
        assertRejected("max.attempts", "101", "101");
        assertRejected("replay.non.idempotent", "yes", "yes");
        assertRejected("max.request.bytes", "-1", "-1");
        assertRejected("max.response.bytes", "lots", "lots");
        assertRejected("exclude.paths", "system/console*", "system/console*");
        assertRejected("exclude.paths", "/a*b", "/a*b");
        assertRejected("include.paths", "", "");
        assertRejected("include.paths", "/a,,/b", "/a,,/b");
    }

    @Test
    public void parseIsAllOrNothing() {
        BalancerSettings before = BalancerSettings.parse(config("policy", "round-robin"));
        Map<String, Object> m = config("policy", "failover", "connect.timeout.ms", "3000", "max.attempts", "1000");
        try {
            BalancerSettings.parse(m);
            fail();
        } catch (InvalidSettingsException e) {
            assertEquals("max.attempts", e.key());
            assertEquals("1000", e.value());
        }
        assertEquals(Policy.ROUND_ROBIN, before.getPolicy());
        assertEquals(1000, before.getConnectTimeoutMs());
        assertEquals(BalancerSettings.parse(config("policy", "round-robin")), before);
    }

    @Test
    public void perPathPolicy() {
        BalancerSettings s = BalancerSettings.parse(config("route.policies", "/hello=round-robin, /api=failover,/api/v2=round-robin"));
        assertEquals(Policy.ROUND_ROBIN, s.policyFor("/hello"));
        assertEquals(Policy.ROUND_ROBIN, s.policyFor("/hello/world"));
        assertEquals(Policy.FAILOVER, s.policyFor("/helloworld"));
        assertEquals(Policy.FAILOVER, s.policyFor("/api/v1"));
        assertEquals(Policy.ROUND_ROBIN, s.policyFor("/api/v2/x"));
        assertEquals(Policy.FAILOVER, s.policyFor("/other"));
        BalancerSettings rr = BalancerSettings.parse(config("policy", "round-robin", "route.policies", "/api=failover"));
        assertEquals(Policy.ROUND_ROBIN, rr.policyFor("/other"));
        assertEquals(Policy.FAILOVER, rr.policyFor("/api"));
    }

    @Test
    public void includeAndExclude() {
        BalancerSettings s = BalancerSettings.defaults();
        assertTrue(s.isIncluded("/hello"));
        assertTrue(s.isIncluded("/"));
        assertFalse(s.isIncluded("/system/console"));
        assertFalse(s.isIncluded("/system/console/bundles"));
        assertFalse(s.isIncluded("/karaf-ha/status"));
        assertFalse(s.isIncluded("/karaf-ha"));
        assertTrue(s.isIncluded("/karaf-hat"));
        assertFalse(s.isIncluded(null));

        BalancerSettings only = BalancerSettings.parse(config("include.paths", "/api/*,/hello", "exclude.paths", "/api/private*"));
        assertTrue(only.isIncluded("/api/x"));
        assertTrue(only.isIncluded("/hello"));
        assertFalse(only.isIncluded("/hello/world"));
        assertFalse(only.isIncluded("/api/private/x"));
        assertFalse(only.isIncluded("/other"));
        assertTrue(BalancerSettings.parse(config("exclude.paths", "")).isIncluded("/system/console"));
    }

    @Test
    public void toMapRoundTripsAndToStringListsAll() {
        BalancerSettings s = BalancerSettings.parse(config("policy", "round-robin", "route.policies", "/a=failover, /b=round-robin",
                "failover.on.status", "none", "exceptions", "java.io.IOException", "max.attempts", 2,
                "replay.non.idempotent", "TRUE", "exclude.paths", "", "include.paths", "/a*, /b"));
        assertEquals(s, BalancerSettings.parse(s.toMap()));
        assertEquals(s.toMap(), BalancerSettings.parse(s.toMap()).toMap());
        assertEquals(BalancerSettings.defaults(), BalancerSettings.parse(BalancerSettings.defaults().toMap()));
        assertEquals(19, s.toMap().size());
        String text = s.toString();
        for (String key : s.toMap().keySet()) {
            assertTrue(text, text.contains(key + "="));
        }
        assertTrue(text, text.contains("route.policies=/a=failover,/b=round-robin"));
        assertTrue(text, text.contains("failover.on.status=none"));
    }

    @Test
    public void headerSettings() {
        BalancerSettings d = BalancerSettings.defaults();
        assertTrue(d.isPreserveHost());
        assertEquals(java.util.List.of(), d.getTrustedProxies());
        BalancerSettings s = BalancerSettings.parse(config("preserve.host", "false", "trusted.proxies", "10.0.0.5, [::1],127.0.0.1"));
        assertFalse(s.isPreserveHost());
        assertEquals(java.util.List.of("10.0.0.5", "0:0:0:0:0:0:0:1", "127.0.0.1"), s.getTrustedProxies());
        assertEquals(s, BalancerSettings.parse(s.toMap()));
        assertRejected("trusted.proxies", "balancer.example.com", "balancer.example.com");
        assertRejected("trusted.proxies", "10.0.0.0/8", "10.0.0.0/8");
        assertRejected("preserve.host", "maybe", "maybe");
        assertEquals(300_000, d.getWebsocketIdleTimeoutMs());
        assertEquals(60_000, BalancerSettings.parse(config("websocket.idle.timeout.ms", "60000")).getWebsocketIdleTimeoutMs());
        assertRejected("websocket.idle.timeout.ms", "10", "10");
    }
}
