package io.karafha.proxy.internal.engine;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.karafha.proxy.internal.EndpointTable;

/**
 * Servlet adapter for one route: mounted at the route's path (e.g. {@code /app/*}, the same path
 * as on the backends), it hands every request to {@link ProxyEngine#forward}. Blocking, so it
 * needs no async support. An unexpected RuntimeException becomes a 502 if nothing was committed.
 */
public class ProxyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient String routePath;
    private final transient Supplier<EndpointTable> tables;
    private final transient ProxyEngine engine;
    private final transient ProxyListener listener;

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
