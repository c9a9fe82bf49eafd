package io.karafha.proxy.internal.engine;

import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.InvalidSettingsException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;

/**
 * Session affinity: a request that carries a session goes first to the backend that owns it,
 * whatever the route's policy; the rest of the plan stays as it was, so when the owner is down,
 * draining or hung the request fails over as any other and the session continues on the next node
 * (the backends replicate it, feature {@code ha-sessions}).
 * <p>
 * The owner is read the way mod_proxy_balancer's {@code stickysession} reads it (the {@code jvmRoute}
 * convention): the session id in the cookie {@value #DEFAULT_COOKIE} (or the {@code ;jsessionid=} path
 * parameter) ends in {@code .<route>}, and the route is the worker name of the backend's Jetty, which
 * this project sets to the node's {@code karaf.name} ('.' replaced by '_'). A route that names no endpoint of the plan, a
 * forged or malformed id, leave the plan unchanged.
 * <p>
 * Settings (etc/io.karafha.balancer.cfg): {@value #STICKY} (true), {@value #STICKY_COOKIE}
 * ({@value #DEFAULT_COOKIE}), {@value #ROUTE_STICKY} (per path, e.g. {@code /api=false}).
 */
public final class StickyRouting {

    public static final String STICKY = "sticky";
    public static final String STICKY_COOKIE = "sticky.cookie";
    public static final String ROUTE_STICKY = "route.sticky";
    public static final String DEFAULT_COOKIE = "JSESSIONID";
    /** The session affinity keys with their defaults, in the documented order (docs/sessions.md). */
    public static final Map<String, String> DEFAULTS = defaults();

    /** Longest route read from a session id; Karaf names are short. */
    private static final int MAX_ROUTE_LENGTH = 64;

    private final boolean sticky;
    private final String cookie;
    private final Map<String, Boolean> routes;
    private final Function<String, String> nodeNames;

    private StickyRouting(boolean sticky, String cookie, Map<String, Boolean> routes, Function<String, String> nodeNames) {
        this.sticky = sticky;
        this.cookie = cookie;
        this.routes = routes;
        this.nodeNames = nodeNames;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(STICKY, "true");
        d.put(STICKY_COOKIE, DEFAULT_COOKIE);
        d.put(ROUTE_STICKY, "");
        return Collections.unmodifiableMap(d);
    }

    /** No affinity at all. */
    public static StickyRouting off() {
        return new StickyRouting(false, DEFAULT_COOKIE, Map.of(), id -> null);
    }

    /**
     * @param config    the balancer configuration (unknown keys ignored)
     * @param nodeNames Cellar node id → Karaf name ({@code karaf.name}) of a backend, null if unknown
     * @throws InvalidSettingsException naming the key and the bad value
     */
    public static StickyRouting parse(Map<String, ?> config, Function<String, String> nodeNames) {
        String stickyText = text(config, STICKY, DEFAULTS.get(STICKY));
        boolean on = bool(STICKY, stickyText);
        String cookie = text(config, STICKY_COOKIE, DEFAULTS.get(STICKY_COOKIE));
        if (cookie.isEmpty() || !cookie.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new InvalidSettingsException(STICKY_COOKIE, cookie, "a cookie name (letters, digits, -_.), e.g. JSESSIONID");
        }
        Map<String, Boolean> routes = new LinkedHashMap<>();
        for (String entry : text(config, ROUTE_STICKY, DEFAULTS.get(ROUTE_STICKY)).split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String path = eq < 0 ? "" : entry.substring(0, eq).trim();
            if (!path.startsWith("/")) {
                throw new InvalidSettingsException(ROUTE_STICKY, entry.trim(), "path=true|false pairs with a path starting with '/', e.g. /api=false");
            }
            if (routes.put(path, bool(ROUTE_STICKY, entry.substring(eq + 1).trim())) != null) {
                throw new InvalidSettingsException(ROUTE_STICKY, entry.trim(), "each path at most once");
            }
        }
        return new StickyRouting(on, cookie, Collections.unmodifiableMap(routes), nodeNames);
    }

    /** @return the plan with the session's owner first, or the plan itself */
    public List<Endpoint> reorder(List<Endpoint> plan, HttpServletRequest req, String routePath) {
        if (plan.size() < 2 || !stickyFor(routePath)) {
            return plan;
        }
        String route = routeOf(req);
        if (route == null) {
            return plan;
        }
        for (int i = 1; i < plan.size(); i++) {
            Endpoint e = plan.get(i);
            if (route.equals(workerName(nodeNames.apply(e.getNodeId())))) {
                List<Endpoint> out = new ArrayList<>(plan);
                out.add(0, out.remove(i));
                return Collections.unmodifiableList(out);
            }
        }
        return plan; // the owner is first already, or not in the plan (down, drained): fail over
    }

    /** @return whether requests to this route path follow their session (exact or longest whole-segment prefix entry) */
    public boolean stickyFor(String path) {
        Boolean best = null;
        int bestLength = -1;
        for (Map.Entry<String, Boolean> e : routes.entrySet()) {
            String p = e.getKey();
            boolean covers = p.equals(path) || (path != null && path.startsWith(p.endsWith("/") ? p : p + "/"));
            if (covers && p.length() > bestLength) {
                best = e.getValue();
                bestLength = p.length();
            }
        }
        return best == null ? sticky : best;
    }

    /** @return the route at the end of the request's session id ({@code id.route}), or null */
    String routeOf(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (cookie.equalsIgnoreCase(c.getName())) {
                    String route = routeIn(c.getValue());
                    if (route != null) {
                        return route;
                    }
                }
            }
        }
        String uri = req.getRequestURI();
        String param = ";" + cookie.toLowerCase(Locale.ROOT) + "=";
        int at = uri == null ? -1 : uri.toLowerCase(Locale.ROOT).indexOf(param);
        if (at >= 0) {
            String rest = uri.substring(at + param.length());
            int end = rest.indexOf(';');
            return routeIn(end < 0 ? rest : rest.substring(0, end));
        }
        return null;
    }

    /** Jetty's worker name of a backend named so: its karaf.name with '.' replaced by '_' (Jetty forbids '.'). */
    static String workerName(String karafName) {
        return karafName == null ? null : karafName.replace('.', '_');
    }

    static String routeIn(String sessionId) {
        if (sessionId == null) {
            return null;
        }
        int dot = sessionId.lastIndexOf('.');
        if (dot < 0 || dot == sessionId.length() - 1) {
            return null;
        }
        String route = sessionId.substring(dot + 1);
        return route.length() <= MAX_ROUTE_LENGTH ? route : null;
    }

    private static String text(Map<String, ?> config, String key, String dflt) {
        Object v = config == null ? null : config.get(key);
        return v == null ? dflt : v.toString().trim();
    }

    private static boolean bool(String key, String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new InvalidSettingsException(key, text, "true or false");
        }
    }

    @Override
    public String toString() {
        return "sticky=" + sticky + ", sticky.cookie=" + cookie + ", route.sticky=" + routes;
    }
}
