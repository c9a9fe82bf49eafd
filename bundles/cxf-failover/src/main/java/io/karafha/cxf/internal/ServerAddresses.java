package io.karafha.cxf.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The absolute address other nodes reach a CXF server endpoint on. An absolute endpoint address is
 * registered as it is (a wildcard host replaced by this node's host); a relative one (the CXF
 * servlet under Pax Web, {@code /Foo}) is appended to a base address: the feature's
 * {@code baseAddress}, else system property {@code karaf.ha.cxf.base.address}, else
 * {@code http://<host>:<port><context>} from {@code karaf.ha.cxf.host} (or this node's cluster
 * address, or {@code karaf.ha.bind.address}), {@code karaf.ha.http.port} (or
 * {@code org.osgi.service.http.port}, 8181) and {@code karaf.ha.cxf.servlet.context} (/cxf).
 */
public final class ServerAddresses {

    private static final Pattern ABSOLUTE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    private ServerAddresses() {
    }

    public static String absolute(String endpointAddress, String baseAddress, String clusterHost) {
        if (endpointAddress == null || endpointAddress.isBlank()) {
            throw new IllegalArgumentException("The CXF server has no address");
        }
        if (ABSOLUTE.matcher(endpointAddress).matches()) {
            URI uri = URI.create(endpointAddress);
            String host = uri.getHost();
            if (host != null && (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]"))) {
                return endpointAddress.replaceFirst("://" + Pattern.quote(host), "://" + localHost(clusterHost));
            }
            return endpointAddress;
        }
        String base = baseAddress != null && !baseAddress.isBlank() ? baseAddress : System.getProperty("karaf.ha.cxf.base.address");
        if (base == null || base.isBlank()) {
            String port = firstSet(System.getProperty("karaf.ha.http.port"), System.getProperty("org.osgi.service.http.port"), "8181");
            String context = firstSet(System.getProperty("karaf.ha.cxf.servlet.context"), "/cxf");
            base = "http://" + localHost(clusterHost) + ":" + port + (context.startsWith("/") ? context : "/" + context);
        }
        if (!ABSOLUTE.matcher(base).matches()) {
            throw new IllegalArgumentException("baseAddress '" + base + "' is not an absolute URL such as http://10.0.0.5:8181/cxf");
        }
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return b + (endpointAddress.startsWith("/") ? endpointAddress : "/" + endpointAddress);
    }

    static String localHost(String clusterHost) {
        String host = firstSet(System.getProperty("karaf.ha.cxf.host"), clusterHost);
        if (host == null) {
            String bind = System.getProperty("karaf.ha.bind.address");
            if (bind != null && !bind.isBlank() && !bind.equals("0.0.0.0")) {
                host = bind;
            }
        }
        if (host == null) {
            try {
                host = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }
}
