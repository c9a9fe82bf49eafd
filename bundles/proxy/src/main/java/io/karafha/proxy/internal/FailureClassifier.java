package io.karafha.proxy.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import io.karafha.routes.settings.BalancerSettings;

/**
 * Decides whether a call's exception or HTTP status means "this endpoint failed, try the next".
 * Exceptions are matched by class name against the throwable's class and all its superclasses,
 * for the throwable and every cause in its cause chain.
 */
public final class FailureClassifier {

    private final Set<String> exceptionClassNames;
    private final Set<Integer> failureStatuses;

    /**
     * @param exceptionClassNames fully qualified class names; listing a superclass such as
     *                            {@code java.io.IOException} matches all its subclasses
     * @param failureStatuses     HTTP statuses whose answer counts as a failure
     */
    public FailureClassifier(Collection<String> exceptionClassNames, Collection<Integer> failureStatuses) {
        this.exceptionClassNames = Set.copyOf(exceptionClassNames);
        this.failureStatuses = Set.copyOf(failureStatuses);
    }

    /** @return a classifier for the settings' {@code exceptions} and {@code failover.on.status} */
    public static FailureClassifier of(BalancerSettings settings) {
        return new FailureClassifier(settings.getExceptions(), settings.getFailoverOnStatus());
    }

    /** @return true if {@code t} or any of its causes is an instance of a listed class */
    public boolean isFailure(Throwable t) {
        return findFailure(t) != null;
    }

    /**
     * @return the first throwable in the cause chain of {@code t} (starting with {@code t}) that
     *         is an instance of a listed class, or null; cause cycles are followed only once
     */
    public Throwable findFailure(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
                if (exceptionClassNames.contains(k.getName())) {
                    return c;
                }
            }
        }
        return null;
    }

    /** @return true if an answer with this HTTP status counts as a failure of the endpoint */
    public boolean isFailureStatus(int status) {
        return failureStatuses.contains(status);
    }

    /**
     * @return a one-line reason such as {@code java.net.ConnectException: Connection refused},
     *         describing the matching cause if there is one, else {@code t} itself
     */
    public String describe(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        Throwable match = findFailure(t);
        Throwable d = match != null ? match : t;
        String message = d.getMessage();
        String text = message == null || message.isBlank() ? d.getClass().getName()
                : d.getClass().getName() + ": " + message.strip();
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
