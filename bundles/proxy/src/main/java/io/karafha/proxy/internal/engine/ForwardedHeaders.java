package io.karafha.proxy.internal.engine;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import javax.servlet.http.HttpServletRequest;

import org.eclipse.jetty.client.api.Request;

/**
 * The headers that tell a backend who the client is and which address it used, as nginx
 * ({@code proxy_set_header Host}), Apache httpd ({@code ProxyPreserveHost On}) and HAProxy send
 * them: the client's {@code Host} (unless {@code preserve.host = false}), {@code X-Forwarded-For},
 * {@code -Proto}, {@code -Host}, {@code -Port} and {@code Via}. The client's own X-Forwarded-* and
 * {@code Forwarded} headers are never passed on (see {@link #isClientForwarded}): backends trust
 * these headers from the balancer, and Jetty reads the left-most X-Forwarded-For, so a value a
 * client sent would become its address.
 */
final class ForwardedHeaders {

    static final String VIA = "1.1 karaf-ha";

    private ForwardedHeaders() {
    }

    static void add(HttpServletRequest req, Request out, URI backend, boolean preserveHost) {
        add(req, out::header, backend, preserveHost);
    }

    /** The same headers, given one by one to {@code out} (name, value). */
    static void add(HttpServletRequest req, BiConsumer<String, String> out, URI backend, boolean preserveHost) {
        String host = req.getHeader("Host");
        if (preserveHost && host != null && !host.isBlank()) {
            out.accept("Host", host.trim());
        } else {
            out.accept("Host", backend.getRawAuthority());
        }
        out.accept("X-Forwarded-For", req.getRemoteAddr());
        out.accept("X-Forwarded-Proto", req.getScheme());
        if (host != null && !host.isBlank()) {
            out.accept("X-Forwarded-Host", host.trim());
        }
        out.accept("X-Forwarded-Port", String.valueOf(req.getServerPort()));
        out.accept("Via", append(list(req, "Via"), VIA));
    }

    /** @return true for a request header the balancer drops and sets itself (any X-Forwarded-*, Forwarded) */
    static boolean isClientForwarded(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.equals("forwarded") || n.startsWith("x-forwarded-") || n.equals("x-real-ip") || n.equals("x-proxied-https");
    }

    private static List<String> list(HttpServletRequest req, String name) {
        return req.getHeaders(name) == null ? List.of() : Collections.list(req.getHeaders(name));
    }

    /** @return the existing values and {@code value}, comma-separated */
    private static String append(List<String> existing, String value) {
        List<String> all = new ArrayList<>();
        for (String v : existing) {
            if (v != null && !v.isBlank()) {
                all.add(v.trim());
            }
        }
        all.add(value);
        return String.join(", ", all);
    }
}
