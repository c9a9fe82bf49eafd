package io.karafha.sessions.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jetty.server.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

/**
 * Turns a Jetty {@link SessionData} into bytes and back. The cluster map holds only these bytes, so
 * Hazelcast never needs an application's classes.
 * <p>
 * Each attribute is serialized on its own: one that cannot be serialized (or, on the reading node,
 * deserialized) is left out and reported to the {@link AttributeProblems}; the others and the session
 * itself are kept. Attribute values are read back with the thread's context class loader, which Jetty
 * sets to the web context's while it loads a session. A container login that does not hold on the
 * reading node is left out too ({@link Logins}).
 */
public final class SessionCodec {

    private static final int FORMAT = 1;

    /** Receives the attributes that were left out. */
    public interface AttributeProblems {
        void notWritten(String contextPath, String sessionId, String attribute, Object value, Exception cause);

        void notRead(String contextPath, String sessionId, String attribute, Exception cause);

        /** A container login (e.g. FORM) that this node's realm did not accept again; the user logs in anew. */
        default void loginNotRestored(String contextPath, String sessionId, String attribute, String method) {
        }
    }

    private final AttributeProblems problems;
    private final String contextPath;

    /** @param contextPath the web context's path, for the problem reports */
    public SessionCodec(AttributeProblems problems, String contextPath) {
        this.problems = problems;
        this.contextPath = contextPath;
    }

    public byte[] encode(SessionData d) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeHeader(out, d);
            Map<String, byte[]> attributes = new LinkedHashMap<>();
            for (String name : d.getKeys()) {
                Object value = d.getAttribute(name);
                try {
                    attributes.put(name, serialize(value));
                } catch (IOException | RuntimeException e) {
                    problems.notWritten(contextPath, d.getId(), name, value, e);
                }
            }
            out.writeInt(attributes.size());
            for (Map.Entry<String, byte[]> a : attributes.entrySet()) {
                out.writeUTF(a.getKey());
                out.writeInt(a.getValue().length);
                out.write(a.getValue());
            }
        }
        return bytes.toByteArray();
    }

    public SessionData decode(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            SessionData d = readHeader(in);
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                try {
                    Object v = deserialize(value);
                    if (Logins.holds(v)) {
                        d.setAttribute(name, v);
                    } else {
                        problems.loginNotRestored(contextPath, d.getId(), name, Logins.method(v));
                    }
                } catch (IOException | ClassNotFoundException | RuntimeException e) {
                    problems.notRead(contextPath, d.getId(), name, e);
                }
            }
            d.clean();
            return d;
        }
    }

    /** @return the expiry time (epoch ms, 0 = never) without reading the attributes */
    public static long expiry(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return readHeader(in).getExpiry();
        }
    }

    private static void writeHeader(DataOutputStream out, SessionData d) throws IOException {
        out.writeInt(FORMAT);
        out.writeUTF(d.getId());
        out.writeUTF(nonNull(d.getContextPath()));
        out.writeUTF(nonNull(d.getVhost()));
        out.writeUTF(nonNull(d.getLastNode()));
        out.writeLong(d.getCreated());
        out.writeLong(d.getAccessed());
        out.writeLong(d.getLastAccessed());
        out.writeLong(d.getMaxInactiveMs());
        out.writeLong(d.getExpiry());
        out.writeLong(d.getCookieSet());
        out.writeLong(d.getLastSaved());
    }

    private static SessionData readHeader(DataInputStream in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown session format " + format + " (this node reads format " + FORMAT + ")");
        }
        String id = in.readUTF();
        String contextPath = in.readUTF();
        String vhost = in.readUTF();
        String lastNode = in.readUTF();
        long created = in.readLong();
        long accessed = in.readLong();
        long lastAccessed = in.readLong();
        long maxInactiveMs = in.readLong();
        SessionData d = new SessionData(id, contextPath, vhost, created, accessed, lastAccessed, maxInactiveMs);
        d.setLastNode(lastNode.isEmpty() ? null : lastNode);
        d.setExpiry(in.readLong());
        d.setCookieSet(in.readLong());
        d.setLastSaved(in.readLong());
        return d;
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] value) throws IOException, ClassNotFoundException {
        try (ClassLoadingObjectInputStream in = new ClassLoadingObjectInputStream(new ByteArrayInputStream(value))) {
            return in.readObject();
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
