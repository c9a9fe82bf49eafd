package io.karafha.cxf.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.cxf.transport.http.HTTPException;

/**
 * Which exceptions mean "the server failed" (the {@code exceptions} list, matched against every
 * cause in the chain, subclasses included) and whether the request can have reached the server.
 */
public final class FailureRules {

    /**
     * Every connection and I/O failure (refused, reset, timed out, unknown host, no answer), as in
     * Fabric. An HTTP answer of a live server is never a failure, whatever its exception.
     */
    public static final String DEFAULT_EXCEPTIONS = "java.io.IOException";

    private final List<Class<?>> exceptions;

    private FailureRules(List<Class<?>> exceptions) {
        this.exceptions = List.copyOf(exceptions);
    }

    /**
     * @param names   semicolon-separated fully qualified class names of Throwables
     * @param loaders where to look the names up, in order (nulls are skipped)
     * @throws IllegalArgumentException naming the first name that is no Throwable class
     */
    public static FailureRules parse(String names, ClassLoader... loaders) {
        if (names == null || names.isBlank()) {
            throw new IllegalArgumentException("'exceptions' is empty: list at least one exception class, "
                    + "e.g. java.net.ConnectException;java.net.SocketTimeoutException");
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String raw : names.split(";")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            Class<?> k = load(name, loaders);
            if (k == null) {
                throw new IllegalArgumentException("'exceptions' names class '" + name + "', which cannot be loaded: "
                        + "use fully qualified names of exception classes separated by ';'");
            }
            if (!Throwable.class.isAssignableFrom(k)) {
                throw new IllegalArgumentException("'exceptions' names class '" + name + "', which is not an exception (no java.lang.Throwable)");
            }
            classes.add(k);
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("'exceptions' = '" + names + "' names no class");
        }
        return new FailureRules(classes);
    }

    private static Class<?> load(String name, ClassLoader... loaders) {
        List<ClassLoader> all = new ArrayList<>();
        for (ClassLoader l : loaders) {
            if (l != null) {
                all.add(l);
            }
        }
        all.add(FailureRules.class.getClassLoader());
        for (ClassLoader l : all) {
            try {
                return Class.forName(name, false, l);
            } catch (ClassNotFoundException | LinkageError e) {
                // next loader
            }
        }
        return null;
    }

    /** @return the first throwable in the cause chain (starting with t) that is a listed exception, or null */
    public Throwable match(Throwable t) {
        for (Throwable c : chain(t)) {
            for (Class<?> k : exceptions) {
                if (k.isInstance(c)) {
                    return c;
                }
            }
        }
        return null;
    }

    /**
     * @return true if the chain shows the request never reached a server: connect refused or timed
     *         out, unknown host, no route, port unreachable. Anything else may have been received.
     */
    public static boolean failedBeforeSending(Throwable t) {
        for (Throwable c : chain(t)) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException || c instanceof NoRouteToHostException
                    || c instanceof UnknownHostException || c instanceof PortUnreachableException) {
                return true;
            }
            if (c instanceof SocketTimeoutException && c.getMessage() != null
                    && c.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out")) {
                return true;
            }
        }
        return false;
    }

    /** @return the HTTP status of an HTTP error answer in the chain (404, 500, ...), or 0 if the server did not answer */
    public static int httpStatus(Throwable t) {
        for (Throwable c : chain(t)) {
            if (c instanceof HTTPException) {
                return ((HTTPException) c).getResponseCode();
            }
        }
        return 0;
    }

    /** One line: the class and message of the matching cause (or of t). */
    public String describe(Throwable t) {
        Throwable m = match(t);
        Throwable d = m != null ? m : t;
        if (d == null) {
            return "unknown failure";
        }
        String msg = d.getMessage();
        return (msg == null ? d.getClass().getName() : d.getClass().getName() + ": " + msg).replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        exceptions.forEach(k -> names.add(k.getName()));
        return names;
    }

    private static List<Throwable> chain(Throwable t) {
        List<Throwable> list = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            list.add(c);
        }
        return list;
    }
}
