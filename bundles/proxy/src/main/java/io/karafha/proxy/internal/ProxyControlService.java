package io.karafha.proxy.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.karafha.proxy.ProxiedRoute;
import io.karafha.proxy.ProxyControl;
import io.karafha.proxy.RequestCount;
import io.karafha.proxy.internal.engine.RouteCounters;
import io.karafha.proxy.internal.engine.StickyRouting;
import io.karafha.routes.Endpoint;
import io.karafha.routes.settings.BalancerSettings;
import io.karafha.routes.settings.InvalidSettingsException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The proxy's exported API ({@link ProxyControl}) over the {@link ProxyManager}: present exactly
 * while the proxy manager is (once etc/io.karafha.balancer.cfg is read).
 */
@Component(service = ProxyControl.class)
public class ProxyControlService implements ProxyControl {

    @Reference
    private ProxyManager proxies;

    @Override
    public boolean isProxy() {
        return proxies.isProxy();
    }

    @Override
    public BalancerSettings settings() {
        return proxies.settings();
    }

    @Override
    public Map<String, String> stickyDefaults() {
        return new LinkedHashMap<>(StickyRouting.DEFAULTS);
    }

    @Override
    public void check(Map<String, Object> config) throws InvalidSettingsException {
        BalancerSettings.parse(config);
        StickyRouting.parse(config, id -> null);
    }

    @Override
    public String websockets() {
        return proxies.websockets().toString();
    }

    @Override
    public List<ProxiedRoute> routes(long nowMillis) {
        List<ProxiedRoute> routes = new ArrayList<>();
        proxies.tables().forEach((path, table) -> routes.add(new ProxiedRoute(path, table.master(nowMillis), table.snapshot(nowMillis))));
        return routes;
    }

    @Override
    public RequestCount count(String path) {
        return value(proxies.counters().of(path));
    }

    @Override
    public RequestCount count(String path, Endpoint endpoint) {
        return value(proxies.counters().of(path, endpoint));
    }

    @Override
    public boolean drain(String path, Endpoint endpoint) {
        return proxies.drain(path, endpoint);
    }

    @Override
    public boolean restore(String path, Endpoint endpoint) {
        return proxies.restore(path, endpoint);
    }

    private static RequestCount value(RouteCounters.Count c) {
        return new RequestCount(c.requests(), c.failures(), c.failovers());
    }
}
