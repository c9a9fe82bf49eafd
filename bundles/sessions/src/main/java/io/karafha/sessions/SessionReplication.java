package io.karafha.sessions;

import java.io.IOException;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;

import io.karafha.sessions.internal.AttributeLog;
import io.karafha.sessions.internal.ClusterSessionCacheFactory;
import io.karafha.sessions.internal.ClusterSessionDataStoreFactory;
import io.karafha.sessions.internal.ReplicationScope;
import io.karafha.sessions.internal.WorkerName;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts this node's HTTP sessions into the cluster. Pax Web 8 tracks {@link Handler} services and
 * builds its Jetty server again with them; when that server adds this handler, it also gets the
 * session cache and store factories as beans, which every web context's {@code SessionHandler}
 * takes when it starts. The handler itself handles nothing.
 * <p>
 * Pax Web puts a handler with a ranking of 0 or less after every web context, and keeps one handler
 * per ranking (a set ordered by {@code service.ranking} alone): this one has a ranking of its own,
 * {@value #RANKING}, so a handler of an application at the default ranking still gets in.
 */
@Component(name = "io.karafha.sessions", configurationPid = "io.karafha.sessions", service = Handler.class, immediate = true,
        property = "service.ranking:Integer=" + SessionReplication.RANKING)
@Designate(ocd = SessionsConfig.class)
public class SessionReplication extends AbstractHandler {

    static final int RANKING = -1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(SessionReplication.class);

    @Reference
    private HazelcastInstance hazelcast;

    private volatile ClusterSessionCacheFactory cacheFactory;
    private volatile ClusterSessionDataStoreFactory storeFactory;
    private volatile String description;

    @Activate
    void activate(SessionsConfig config) {
        ReplicationScope scope;
        try {
            scope = ReplicationScope.parse(config.excluded_contexts());
        } catch (IllegalArgumentException e) {
            LOG.error("etc/io.karafha.sessions.cfg: {}; no context is left out", e.getMessage());
            scope = ReplicationScope.parse("");
        }
        IMap<String, byte[]> map = hazelcast.getMap(config.map_name());
        cacheFactory = new ClusterSessionCacheFactory(scope);
        storeFactory = new ClusterSessionDataStoreFactory(map, scope, new AttributeLog());
        description = "HTTP sessions of " + scope + " are replicated through the cluster map " + map.getName();
        LOG.info("Session replication ready ({}); Pax Web restarts its HTTP server to take it", description);
    }

    @Deactivate
    void deactivate() {
        LOG.info("Session replication off: web contexts started from now keep their sessions on this node");
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        if (server != null && cacheFactory != null) {
            server.addBean(cacheFactory);
            server.addBean(storeFactory);
            String worker = WorkerName.apply(server, System.getProperty("karaf.name"));
            LOG.info("{} (session ids of this node end in '.{}')", description, worker);
        }
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        // nothing: this handler only carries the session factories into Pax Web's Jetty server
    }
}
