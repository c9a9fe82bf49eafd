package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.proxy.internal.EndpointTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servlet adapter for one route: mounted at the route's path (e.g. {@code /app/*}, the same path
 * as on the backends), it hands every request to {@link ProxyEngine#forward}. Register it with
 * async support ({@code osgi.http.whiteboard.servlet.asyncSupported=true}) so that no thread waits
 * for a backend; without it the servlet thread waits. An unexpected RuntimeException becomes a
 * 502 if nothing was committed.
 */
public class ProxyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServlet.class);

    private final transient String routePath;
    private final transient Supplier<EndpointTable> tables;
    private final transient ProxyEngine engine;
    private final transient ProxyListener listener;
    private transient volatile boolean syncNoted;

    /**
     * @param routePath registry path, e.g. {@code /app}
     * @param tables    the route's current endpoint table; may supply null (= no endpoint)
     * @param engine    the balancer's engine
     * @param listener  callbacks; may be null
     */
    public ProxyServlet(String routePath, Supplier<EndpointTable> tables, ProxyEngine engine, ProxyListener listener) {
        this.routePath = Objects.requireNonNull(routePath, "routePath");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.listener = listener == null ? ProxyListener.NONE : listener;
    }

    /** @return the route path this servlet forwards */
    public String getRoutePath() {
        return routePath;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!req.isAsyncSupported() && !syncNoted) {
            syncNoted = true;
            LOG.warn("Route {}: requests arrive without async support (a filter in front of the proxy servlet does not support it): each waits on a server thread", routePath);
        }
        try {
            EndpointTable table = tables.get();
            engine.forward(req, resp, routePath, table == null ? new EndpointTable() : table, listener);
        } catch (RuntimeException e) {
            if (resp.isCommitted()) {
                throw e;
            }
            ProxyEngine.sendText(resp, 502, "Bad gateway: " + e + "\n", -1);
        }
    }
}
