package io.karafha.sessions.internal;

import org.eclipse.jetty.server.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.server.session.DefaultSessionCache;
import org.eclipse.jetty.server.session.NullSessionCache;
import org.eclipse.jetty.server.session.SessionCache;
import org.eclipse.jetty.server.session.SessionHandler;

/**
 * Replicated contexts keep no session in memory between requests ({@link NullSessionCache}): every
 * request reads the session from the cluster map, so a node that served it earlier never answers from
 * an old copy after the session moved on, and a node's death loses nothing it alone held. The session
 * is written when the response is committed, before the client sees the answer. Contexts left out
 * keep Jetty's usual in-memory cache.
 */
public final class ClusterSessionCacheFactory extends AbstractSessionCacheFactory {

    private final ReplicationScope scope;

    public ClusterSessionCacheFactory(ReplicationScope scope) {
        this.scope = scope;
        setFlushOnResponseCommit(true);
        setSaveOnCreate(true);
        setRemoveUnloadableSessions(true);
    }

    @Override
    public SessionCache newSessionCache(SessionHandler handler) {
        return scope.replicated(ReplicationScope.pathOf(handler)) ? new NullSessionCache(handler) : new DefaultSessionCache(handler);
    }
}
