package io.karafha.proxy.internal.engine;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP/1.1 hop-by-hop headers (RFC 7230 section 6.1) that a proxy must not forward, plus
 * the headers a message names in its {@code Connection} header. Names are compared
 * case-insensitively.
 */
public final class HopByHopHeaders {

    /**
     * Lower-case names that are always hop-by-hop. {@code proxy-connection} is not standard but
     * is sent by old clients and treated as hop-by-hop by Jetty and most proxies.
     */
    public static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHopHeaders() {
    }

    /** @return true if {@code name} is in {@link #NAMES} */
    public static boolean isHopByHop(String name) {
        return name != null && NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Parses the values of a message's {@code Connection} header(s).
     *
     * @param connectionValues every {@code Connection} header value; may be null
     * @return the comma-separated tokens, trimmed and lower-cased, without empty ones
     */
    public static Set<String> connectionTokens(Iterable<String> connectionValues) {
        Set<String> tokens = new HashSet<>();
        if (connectionValues == null) {
            return tokens;
        }
        for (String value : connectionValues) {
            if (value == null) {
                continue;
            }
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }

    /**
     * @param connectionTokens the result of {@link #connectionTokens} for the same message
     * @return true if the header must not be forwarded: hop-by-hop or named in {@code Connection}
     */
    public static boolean isExcluded(String name, Set<String> connectionTokens) {
        return isHopByHop(name) || connectionTokens.contains(name.toLowerCase(Locale.ROOT));
    }
}
