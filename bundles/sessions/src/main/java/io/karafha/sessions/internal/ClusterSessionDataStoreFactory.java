package io.karafha.sessions.internal;

import com.hazelcast.core.IMap;

import org.eclipse.jetty.server.session.NullSessionDataStore;
import org.eclipse.jetty.server.session.SessionDataStore;
import org.eclipse.jetty.server.session.SessionDataStoreFactory;
import org.eclipse.jetty.server.session.SessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gives each web context's session handler its store: the cluster map, or none for excluded contexts. */
public final class ClusterSessionDataStoreFactory implements SessionDataStoreFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessionDataStoreFactory.class);

    private final IMap<String, byte[]> map;
    private final ReplicationScope scope;
    private final SessionCodec.AttributeProblems problems;

    public ClusterSessionDataStoreFactory(IMap<String, byte[]> map, ReplicationScope scope, SessionCodec.AttributeProblems problems) {
        this.map = map;
        this.scope = scope;
        this.problems = problems;
    }

    @Override
    public SessionDataStore getSessionDataStore(SessionHandler handler) {
        String path = ReplicationScope.pathOf(handler);
        if (!scope.replicated(path)) {
            LOG.info("Sessions of web context {} stay on this node (excluded.contexts of io.karafha.sessions)", path);
            return new NullSessionDataStore();
        }
        LOG.info("Sessions of web context {} are replicated through the cluster map {}", path, map.getName());
        ClusterSessionDataStore store = new ClusterSessionDataStore(map, problems, path);
        store.setSavePeriodSec(0);
        return store;
    }
}
