package io.karafha.routes;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One backend a route can forward to: the Cellar node that registered it, the absolute
 * {@code http}/{@code https} base URL it serves on, and its registration sequence number.
 * <p>
 * Immutable. Identity ({@link #equals}, {@link #hashCode}) is node id plus URL; {@code order} is
 * not part of it, so a re-registration of the same node and URL is the same endpoint with a
 * higher order.
 */
public final class Endpoint implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String nodeId;
    private final URI url;
    private final long order;

    private Endpoint(String nodeId, URI url, long order) {
        this.nodeId = nodeId;
        this.url = url;
        this.order = order;
    }

    /**
     * Creates an endpoint.
     *
     * @param nodeId the Cellar node id, e.g. {@code 127.0.0.1:5702}; must not be blank
     * @param url    absolute http/https base URL with a host, e.g. {@code http://127.0.0.1:8182}
     * @param order  registration sequence; later registrations have higher numbers
     * @throws IllegalArgumentException naming the bad URL in quotes and why it was rejected
     */
    public static Endpoint of(String nodeId, String url, long order) {
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("Endpoint node id is empty (URL '" + url + "')");
        }
        return new Endpoint(nodeId.trim(), parseUrl(url), order);
    }

    /**
     * Parses and checks an endpoint base URL.
     *
     * @throws IllegalArgumentException if it does not parse, is not absolute, is not http/https
     *                                  or has no host; the message names the URL in quotes
     */
    public static URI parseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw bad(url, "it is empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw bad(url, "it does not parse (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        if (!uri.isAbsolute()) {
            throw bad(url, "it is not absolute; expected e.g. http://127.0.0.1:8182");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad(url, "its scheme '" + uri.getScheme() + "' is not http or https");
        }
        if (uri.getHost() == null) {
            throw bad(url, "it has no host (host names may contain only letters, digits, '-' and '.')");
        }
        return uri;
    }

    private static IllegalArgumentException bad(String url, String why) {
        return new IllegalArgumentException("Invalid endpoint URL '" + url + "': " + why);
    }

    /** @return the Cellar node id that registered this endpoint */
    public String getNodeId() {
        return nodeId;
    }

    /** @return the absolute http/https base URL */
    public URI getUrl() {
        return url;
    }

    /** @return the registration sequence number (higher = registered later) */
    public long getOrder() {
        return order;
    }

    /** @return the same endpoint (node id and URL) with another registration order */
    public Endpoint withOrder(long newOrder) {
        return new Endpoint(nodeId, url, newOrder);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && nodeId.equals(e.nodeId) && url.equals(e.url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, url);
    }

    @Override
    public String toString() {
        return nodeId + " " + url + " #" + order;
    }
}
