package io.karafha.proxy.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.InvalidSettingsException;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;

import org.junit.Test;

public class StickyRoutingTest {

    private static final Endpoint K1 = Endpoint.of("127.0.0.1:5702", "http://127.0.0.1:8182", 1);
    private static final Endpoint K2 = Endpoint.of("127.0.0.1:5703", "http://127.0.0.1:8183", 2);
    private static final Map<String, String> NAMES = Map.of("127.0.0.1:5702", "karaf1", "127.0.0.1:5703", "karaf2");
    private static final List<Endpoint> PLAN = List.of(K1, K2);

    private static HttpServletRequest request(String uri, Cookie... cookies) {
        return (HttpServletRequest) Proxy.newProxyInstance(StickyRoutingTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getCookies":
                            return cookies.length == 0 ? null : cookies;
                        case "getRequestURI":
                            return uri;
                        default:
                            return null;
                    }
                });
    }

    private static StickyRouting sticky(Map<String, ?> config) {
        return StickyRouting.parse(config, NAMES::get);
    }

    @Test
    public void sessionOfTheSecondNodeGoesThereFirst() {
        List<Endpoint> plan = sticky(Map.of()).reorder(PLAN, request("/session", new Cookie("JSESSIONID", "karaf2abc123.karaf2")), "/session");
        assertEquals(List.of(K2, K1), plan);
    }

    @Test
    public void ownerFirstAlreadyOrNoSessionKeepsThePlan() {
        StickyRouting s = sticky(Map.of());
        assertSame(PLAN, s.reorder(PLAN, request("/session", new Cookie("JSESSIONID", "x.karaf1")), "/session"));
        assertSame(PLAN, s.reorder(PLAN, request("/session"), "/session"));
    }

    @Test
    public void ownerMissingFromThePlanFailsOver() {
        List<Endpoint> onlyK1 = List.of(K1);
        assertSame(onlyK1, sticky(Map.of()).reorder(onlyK1, request("/s", new Cookie("JSESSIONID", "x.karaf2")), "/s"));
    }

    @Test
    public void forgedOrMalformedIdsKeepThePlan() {
        StickyRouting s = sticky(Map.of());
        for (String id : new String[] {"forged.karaf9", "noroute", "trailingdot.", ".", "", "x." + "k".repeat(200)}) {
            assertSame(id, PLAN, s.reorder(PLAN, request("/s", new Cookie("JSESSIONID", id)), "/s"));
        }
    }

    @Test
    public void pathParameterIsReadToo() {
        assertEquals(List.of(K2, K1), sticky(Map.of()).reorder(PLAN, request("/s;jsessionid=abc.karaf2"), "/s"));
    }

    @Test
    public void cookieNameIsConfigurable() {
        StickyRouting s = sticky(Map.of("sticky.cookie", "APPSESSION"));
        assertSame(PLAN, s.reorder(PLAN, request("/s", new Cookie("JSESSIONID", "a.karaf2")), "/s"));
        assertEquals(List.of(K2, K1), s.reorder(PLAN, request("/s", new Cookie("APPSESSION", "a.karaf2")), "/s"));
    }

    @Test
    public void perRouteSwitch() {
        StickyRouting s = sticky(Map.of("route.sticky", "/api=false, /api/cart=true"));
        assertFalse(s.stickyFor("/api"));
        assertFalse(s.stickyFor("/api/x"));
        assertTrue(s.stickyFor("/api/cart"));
        assertTrue(s.stickyFor("/other"));
        assertSame(PLAN, s.reorder(PLAN, request("/api", new Cookie("JSESSIONID", "a.karaf2")), "/api"));
        StickyRouting off = sticky(Map.of("sticky", "false", "route.sticky", "/shop=true"));
        assertFalse(off.stickyFor("/api"));
        assertTrue(off.stickyFor("/shop"));
    }

    @Test
    public void badValuesNameTheKey() {
        expectBad(Map.of("sticky", "yes"), "sticky");
        expectBad(Map.of("sticky.cookie", "JSESSION ID"), "sticky.cookie");
        expectBad(Map.of("route.sticky", "api=false"), "route.sticky");
        expectBad(Map.of("route.sticky", "/api=maybe"), "route.sticky");
        expectBad(Map.of("route.sticky", "/api=true,/api=false"), "route.sticky");
    }

    @Test
    public void dottedKarafNamesMatchTheirWorkerName() {
        StickyRouting s = StickyRouting.parse(Map.of(), Map.of("127.0.0.1:5703", "web.eu")::get);
        assertEquals(List.of(K2, K1), s.reorder(PLAN, request("/s", new Cookie("JSESSIONID", "abc.web_eu")), "/s"));
    }

    @Test
    public void routeIsTheTextAfterTheLastDot() {
        assertEquals("karaf1", StickyRouting.routeIn("node0abc.karaf1"));
        assertNull(StickyRouting.routeIn("node0abc"));
        assertNull(StickyRouting.routeIn(null));
    }

    private static void expectBad(Map<String, ?> config, String key) {
        try {
            sticky(config);
            fail("accepted " + config);
        } catch (InvalidSettingsException e) {
            assertEquals(key, e.key());
            assertTrue(e.getMessage(), e.getMessage().contains("'" + key + "'"));
        }
    }
}
