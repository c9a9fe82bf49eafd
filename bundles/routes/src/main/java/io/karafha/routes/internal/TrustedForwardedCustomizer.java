package io.karafha.routes.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a backend, in Jetty before any context: Jetty's own {@link ForwardedRequestCustomizer} for
 * requests from a trusted proxy (the balancers), so {@code getRemoteAddr()}, {@code getScheme()},
 * {@code getServerName()}/{@code getServerPort()} and redirects name the client and the address it
 * used. From any other address the forwarded headers are removed first, so a client cannot forge
 * them. A malformed forwarded header is skipped with a DEBUG line, never an error answer.
 * <p>
 * Pax Web 8 keeps one customizer per {@code service.ranking} (see {@link NotServedCustomizer}), so this
 * one has a ranking of its own, {@value #RANKING}.
 */
final class TrustedForwardedCustomizer implements HttpConfiguration.Customizer {

    static final int RANKING = 900_000;

    private static final Logger LOG = LoggerFactory.getLogger(TrustedForwardedCustomizer.class);

    private final TrustedProxies trusted;
    private final ForwardedRequestCustomizer jetty = new ForwardedRequestCustomizer() {
        @Override
        protected void onError(HttpField field, Throwable t) {
            LOG.debug("Malformed forwarded header ignored: {}: {} ({})", field.getName(), field.getValue(), t.toString());
        }
    };

    TrustedForwardedCustomizer(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    static Dictionary<String, Object> serviceProperties() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, RANKING);
        return props;
    }

    @Override
    public void customize(Connector connector, HttpConfiguration config, Request request) {
        String peer = request.getRemoteAddr();
        if (trusted.isTrusted(peer)) {
            try {
                jetty.customize(connector, config, request);
            } catch (RuntimeException e) {
                LOG.debug("Forwarded headers from {} ignored: {}", peer, e.toString());
            }
            return;
        }
        HttpFields fields = request.getHttpFields();
        List<String> dropped = new ArrayList<>();
        for (HttpField f : fields) {
            if (isForwarded(f.getName())) {
                dropped.add(f.getName());
            }
        }
        if (!dropped.isEmpty()) {
            dropped.forEach(fields::remove);
            LOG.debug("{} is not a trusted proxy: its {} ignored", peer, dropped);
        }
    }

    static boolean isForwarded(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("forwarded") || n.startsWith("x-forwarded-") || n.equals("x-proxied-https")
                || n.equals("proxy-ssl-id") || n.equals("proxy-auth-cert") || n.equals("x-real-ip");
    }
}
