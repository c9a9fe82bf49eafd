package io.karafha.operations.internal.console;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.operations.internal.Json;
import io.karafha.operations.internal.Operations;
import io.karafha.operations.internal.Views.EndpointView;
import io.karafha.operations.internal.Views.NodeView;
import io.karafha.operations.internal.Views.PublishedView;
import io.karafha.operations.internal.Views.RouteView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The "Karaf HA" page of the Felix web console (/system/console/karaf-ha): cluster nodes and
 * groups, every route with its ordered endpoints, state, master and counters, refreshed every 2 s
 * from {@code karaf-ha/data.json}, and drain / restore buttons. A plain servlet with the
 * {@code felix.webconsole.*} properties: the console wraps it in its frame and its login protects
 * it, and this bundle needs no web console import (a backend has no console). Changes are POSTs
 * that must carry the {@code X-Karaf-HA} header and, when the browser sends one, a same-origin
 * {@code Origin}: another site cannot make a logged-in browser drain an endpoint.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=karaf-ha",
        "felix.webconsole.title=Karaf HA",
        "felix.webconsole.category=Karaf HA"
})
public class ConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String CSRF_HEADER = "X-Karaf-HA";
    private static final String PLUGIN_ROOT = "felix.webconsole.pluginRoot";

    @Reference
    private transient Operations ops;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getRequestURI().endsWith("/data.json")) {
            resp.setContentType("application/json;charset=UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().write(Json.write(data()));
            return;
        }
        Object root = req.getAttribute(PLUGIN_ROOT);
        String pluginRoot = root != null ? root.toString() : req.getContextPath() + req.getServletPath() + "/karaf-ha";
        String page;
        try (InputStream in = ConsolePlugin.class.getResourceAsStream("/console/karaf-ha.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        resp.setContentType("text/html;charset=UTF-8");
        resp.getWriter().write(page.replace("@PLUGIN_ROOT@", Json.write(pluginRoot)));
    }

    /** POST action=drain|restore, path, endpoint: answers JSON {ok, messages} or {ok:false, error}. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        if (!"1".equals(req.getHeader(CSRF_HEADER)) || !sameOrigin(req)) {
            resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
            resp.getWriter().write(Json.write(Map.of("ok", false, "error", "cross-site request refused")));
            return;
        }
        String action = req.getParameter("action");
        String path = req.getParameter("path");
        String endpoint = req.getParameter("endpoint");
        try {
            if (path == null || endpoint == null) {
                throw new IllegalArgumentException("path and endpoint are required");
            }
            List<String> done;
            if ("drain".equals(action)) {
                done = ops.drain(path, endpoint);
            } else if ("restore".equals(action)) {
                done = ops.restore(path, endpoint);
            } else {
                throw new IllegalArgumentException("action must be drain or restore");
            }
            resp.getWriter().write(Json.write(Map.of("ok", true, "messages", done)));
        } catch (IllegalArgumentException e) {
            resp.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            resp.getWriter().write(Json.write(Map.of("ok", false, "error", e.getMessage())));
        }
    }

    /** No Origin header (same-origin GET-style navigation, old browsers): allowed; else it must name this host. */
    static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = req.getHeader("Host");
        try {
            URI o = URI.create(origin);
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Map<String, Object> data() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", ops.localNode());
        d.put("role", ops.role());
        d.put("time", System.currentTimeMillis());
        List<Object> nodes = new ArrayList<>();
        for (NodeView n : ops.nodes()) {
            nodes.add(Map.of("name", n.name(), "id", n.id(), "local", n.local(), "groups", n.groups()));
        }
        d.put("nodes", nodes);
        List<Object> routes = new ArrayList<>();
        for (RouteView r : ops.routes()) {
            List<Object> endpoints = new ArrayList<>();
            for (EndpointView e : r.endpoints()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("position", e.position());
                m.put("node", e.node());
                m.put("nodeId", e.nodeId());
                m.put("url", e.url());
                m.put("state", e.state());
                m.put("describe", e.describe());
                m.put("master", e.master());
                m.put("requests", e.count().requests());
                m.put("failures", e.count().failures());
                m.put("failovers", e.count().failovers());
                endpoints.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", r.path());
            m.put("policy", r.policy());
            m.put("master", r.master());
            m.put("requests", r.count().requests());
            m.put("failures", r.count().failures());
            m.put("failovers", r.count().failovers());
            m.put("endpoints", endpoints);
            routes.add(m);
        }
        d.put("routes", routes);
        List<Object> published = new ArrayList<>();
        for (PublishedView p : ops.published()) {
            published.add(Map.of("path", p.path(), "url", p.url(), "group", p.group(), "position", p.position(), "of", p.endpoints()));
        }
        d.put("published", published);
        return d;
    }
}
