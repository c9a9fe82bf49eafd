package io.karafha.cxf.internal;

import java.util.ArrayList;
import java.util.List;

import io.karafha.registry.EndpointRegistry;
import io.karafha.registry.RegisteredEndpoint;
import io.karafha.registry.Registration;
import org.apache.cxf.clustering.FailoverStrategy;
import org.apache.cxf.clustering.FailoverTargetSelector;
import org.apache.cxf.common.util.PropertyUtils;
import org.apache.cxf.endpoint.Endpoint;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CXF's own failover machinery with the cluster registry as the address source. Built on
 * {@link FailoverTargetSelector} rather than a hand-written conduit: CXF already knows how to
 * re-invoke the same operation with the same parameters on another address within one call
 * ({@code Retryable}), for JAX-WS and JAX-RS clients alike. What this class changes:
 * <ul>
 * <li>every new call starts at the current master (the first live address of the registry,
 *     which a map listener keeps current), not at the address the client was built with;</li>
 * <li>which failures count: every cause in the chain is matched against the {@code exceptions}
 *     list (CXF's own check looks only at the last cause and knows only IOException);</li>
 * <li>when to replay: a call whose request never left (connect refused or timed out, unknown
 *     host, no route) always moves on to the next address; one that failed after the request
 *     was sent (read timeout, reset) marks the address failed so the next calls move on, and is
 *     replayed only with {@code replayAfterSend};</li>
 * <li>an answer from a live server (a SOAP fault, an HTTP error) is returned, never retried,
 *     except CXF's "service not available" (503).</li>
 * </ul>
 * Like CXF's selector, one instance belongs to one client proxy and is not meant for concurrent
 * calls on that proxy.
 */
public final class ClusterTargetSelector extends FailoverTargetSelector implements FailoverStrategy {

    private static final Logger LOG = LoggerFactory.getLogger("io.karafha.cxf.failover");
    private static final String TRIED = ClusterTargetSelector.class.getName() + ".tried";

    private final String path;
    private final AddressBook book;
    private final FailureRules rules;
    private final boolean replayAfterSend;
    private Registration watch;
    private volatile String lastServedBy;

    public ClusterTargetSelector(String path, long retryIntervalMillis, FailureRules rules, boolean replayAfterSend) {
        this.path = path;
        this.book = new AddressBook(retryIntervalMillis);
        this.rules = rules;
        this.replayAfterSend = replayAfterSend;
        setStrategy(this);
    }

    /** Follows the path in the registry until {@link #close()}. */
    public void follow(EndpointRegistry registry) {
        watch = registry.watch(Paths.SPACE, path, endpoints -> {
            List<String> addresses = RegisteredEndpoint.addresses(endpoints);
            List<String> before = book.registered();
            book.update(addresses);
            if (!before.equals(addresses)) {
                LOG.info("CXF failover {}: endpoints now {}", path, addresses);
            }
        });
    }

    public AddressBook book() {
        return book;
    }

    @Override
    public void prepare(Message message) {
        if (message.getContent(List.class) == null) {
            return;
        }
        Exchange exchange = message.getExchange();
        boolean newCall = getInvocationContext(String.valueOf(System.identityHashCode(exchange))) == null;
        String address = null;
        if (newCall) {
            address = book.current(System.currentTimeMillis());
            if (address == null) {
                // a Fault would be swallowed by ClientImpl.prepareConduitSelector and the call sent to the bootstrap address
                throw new IllegalStateException("No CXF endpoint is registered under '" + path + "' in the cluster registry");
            }
            message.put(Message.ENDPOINT_ADDRESS, address);
        }
        super.prepare(message);
        if (newCall) {
            getEndpoint().getEndpointInfo().setAddress(address);
        }
        exchange.put(TRIED, message.get(Message.ENDPOINT_ADDRESS));
    }

    @Override
    protected boolean requiresFailover(Exchange exchange, Exception ex) {
        String address = (String) exchange.get(TRIED);
        if (ex == null) {
            if (address != null && !address.equals(lastServedBy)) {
                if (lastServedBy != null) {
                    LOG.info("CXF failover {}: calls now served by {}", path, address);
                }
                lastServedBy = address;
            }
            return false;
        }
        int status = FailureRules.httpStatus(ex);
        if (status == 404 || status == 503
                || PropertyUtils.isTrue(exchange.get("org.apache.cxf.transport.service_not_available"))) {
            // the server runs but this endpoint is not (or no longer) there: nothing was executed
            book.failed(address, System.currentTimeMillis());
            LOG.info("CXF failover {}: endpoint {} is not available there (HTTP {}); the call moves to the next endpoint", path, address, status);
            return true;
        }
        if (status > 0 || exchange.getInFaultMessage() != null || exchange.get(Message.RESPONSE_CODE) != null) {
            LOG.debug("CXF failover {}: {} answered ({}): not a server failure", path, address, ex.toString());
            return false;
        }
        if (rules.match(ex) == null) {
            LOG.info("CXF failover {}: call to {} failed with {}, which is not in 'exceptions': no failover", path, address, oneLine(ex));
            return false;
        }
        book.failed(address, System.currentTimeMillis());
        if (FailureRules.failedBeforeSending(ex)) {
            LOG.info("CXF failover {}: endpoint {} is down ({}); the call moves to the next endpoint", path, address, rules.describe(ex));
            return true;
        }
        if (replayAfterSend) {
            LOG.info("CXF failover {}: endpoint {} failed after the request was sent ({}); replayed on the next endpoint (replayAfterSend)",
                    path, address, rules.describe(ex));
            return true;
        }
        LOG.info("CXF failover {}: endpoint {} failed after the request was sent ({}); not replayed (replayAfterSend=false), "
                + "later calls go to the next endpoint", path, address, rules.describe(ex));
        return false;
    }

    // ---- FailoverStrategy: the alternates of one call are the registry's live addresses, best first

    @Override
    public List<String> getAlternateAddresses(Exchange exchange) {
        List<String> alternates = new ArrayList<>(book.candidates(System.currentTimeMillis()));
        alternates.remove((String) exchange.get(TRIED));
        return alternates;
    }

    @Override
    public String selectAlternateAddress(List<String> addresses) {
        if (addresses == null || addresses.isEmpty()) {
            LOG.info("CXF failover {}: no other endpoint to try", path);
            return null;
        }
        String next = addresses.remove(0);
        LOG.info("CXF failover {}: failover to {}", path, next);
        return next;
    }

    @Override
    public List<Endpoint> getAlternateEndpoints(Exchange exchange) {
        return List.of();
    }

    @Override
    public Endpoint selectAlternateEndpoint(List<Endpoint> alternates) {
        return null;
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        super.close();
    }

    @Override
    public String toString() {
        return "cluster failover of " + path;
    }

    private static String oneLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
