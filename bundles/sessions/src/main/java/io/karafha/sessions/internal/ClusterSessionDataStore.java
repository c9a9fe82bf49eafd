package io.karafha.sessions.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.IMap;

import org.eclipse.jetty.server.session.AbstractSessionDataStore;
import org.eclipse.jetty.server.session.SessionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty 9.4 session store on a Hazelcast map of Cellar's instance: one entry per session and web
 * context, keyed as Jetty's own cluster stores do ({@code <canonical context path>_<vhost>_<id>}),
 * holding the {@link SessionCodec} bytes, and expiring with the session's max inactive interval.
 */
public final class ClusterSessionDataStore extends AbstractSessionDataStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessionDataStore.class);

    private final IMap<String, byte[]> map;
    private final SessionCodec codec;
    private final String contextPath;

    /**
     * @param problems    told about attributes left out
     * @param contextPath the web context's path, as users know it, for log lines
     */
    public ClusterSessionDataStore(IMap<String, byte[]> map, SessionCodec.AttributeProblems problems, String contextPath) {
        this.map = map;
        this.contextPath = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
        this.codec = new SessionCodec(problems, this.contextPath);
    }

    /** Longest time the recorded access time may lag behind the real one (see {@link #doLoad}). */
    static final long MAX_TOUCH_LAG_MS = 60_000;

    /**
     * A load is a use of the session: Pax Web 8 finds a session through its own context suffix,
     * after Jetty's {@code SessionHandler.access()} would have run, so the access time and expiry
     * are brought forward here, and the entry's time to live with them on the write at the end of
     * the request. Not on every request: only when the recorded access is older than a quarter of
     * the max inactive interval or {@value #MAX_TOUCH_LAG_MS} ms, so a request that changes nothing
     * usually costs a read only.
     */
    @Override
    public SessionData doLoad(String id) throws Exception {
        byte[] bytes = map.get(key(id));
        if (bytes == null) {
            return null;
        }
        SessionData d = codec.decode(bytes);
        long now = System.currentTimeMillis();
        if (d.isExpiredAt(now)) {
            return d; // Jetty invalidates it
        }
        long lag = d.getMaxInactiveMs() <= 0 ? Long.MAX_VALUE : Math.min(MAX_TOUCH_LAG_MS, d.getMaxInactiveMs() / 4);
        if (now - d.getAccessed() >= lag) {
            d.setLastAccessed(d.getAccessed());
            d.setAccessed(now);
            d.calcAndSetExpiry(now);
            d.setMetaDataDirty(true);
        }
        return d;
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        try {
            byte[] bytes = codec.encode(data);
            long ttl = data.getMaxInactiveMs() > 0 ? data.getMaxInactiveMs() : 0;
            map.set(key(id), bytes, ttl, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Session {} of web context {} could not be written to the cluster: {}; "
                    + "its last change is on this node only", SessionIds.abbreviate(id), contextPath, e.toString());
            throw e;
        }
    }

    @Override
    public boolean delete(String id) throws Exception {
        return map.remove(key(id)) != null;
    }

    @Override
    public boolean exists(String id) throws Exception {
        byte[] bytes = map.get(key(id));
        if (bytes == null) {
            return false;
        }
        long expiry = SessionCodec.expiry(bytes);
        return expiry <= 0 || expiry > System.currentTimeMillis();
    }

    /** Candidates whose entry is gone (the map's time to live) or past its expiry. */
    @Override
    public Set<String> doGetExpired(Set<String> candidates) {
        Set<String> expired = new HashSet<>();
        long now = System.currentTimeMillis();
        for (String id : candidates) {
            try {
                byte[] bytes = map.get(key(id));
                if (bytes == null) {
                    expired.add(id);
                } else {
                    long expiry = SessionCodec.expiry(bytes);
                    if (expiry > 0 && expiry <= now) {
                        expired.add(id);
                    }
                }
            } catch (Exception e) {
                LOG.debug("Expiry check of session {} of {} failed: {}", SessionIds.abbreviate(id), contextPath, e.toString());
            }
        }
        return expired;
    }

    /** Attributes are serialized: Jetty tells HttpSessionActivationListeners. */
    @Override
    public boolean isPassivating() {
        return true;
    }

    String key(String id) {
        return _context.getCanonicalContextPath() + "_" + _context.getVhost() + "_" + id;
    }

    @Override
    public String toString() {
        return "ClusterSessionDataStore[" + map.getName() + ", context " + contextPath + "]";
    }
}
