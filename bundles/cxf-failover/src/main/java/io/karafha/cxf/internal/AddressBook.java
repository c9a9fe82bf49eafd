package io.karafha.cxf.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's view of a path: the registry's addresses in registration order, with the addresses
 * that failed moved behind the others (in the order they failed). A failed address is not tried
 * again before the retry interval has passed, and then only as a follower, so a recovered master
 * does not take the work back from the server that took over. When every address failed within
 * the interval, all are tried anyway rather than none.
 */
public final class AddressBook {

    private final long retryIntervalMillis;
    private List<String> registered = List.of();
    private final Map<String, Long> failedAt = new LinkedHashMap<>();

    public AddressBook(long retryIntervalMillis) {
        this.retryIntervalMillis = retryIntervalMillis;
    }

    /** The registry's current list; failure marks of addresses no longer registered are dropped. */
    public synchronized void update(List<String> addresses) {
        registered = List.copyOf(addresses);
        failedAt.keySet().retainAll(registered);
    }

    public synchronized List<String> registered() {
        return registered;
    }

    /** @return the addresses to try, best first, at time now (milliseconds) */
    public synchronized List<String> candidates(long now) {
        List<String> result = new ArrayList<>();
        for (String a : registered) {
            if (!failedAt.containsKey(a)) {
                result.add(a);
            }
        }
        failedAt.forEach((a, t) -> {
            if (now - t >= retryIntervalMillis) {
                result.add(a);
            }
        });
        if (result.isEmpty()) {
            result.addAll(failedAt.keySet());
        }
        return result;
    }

    /** @return the address a new call goes to, or null when nothing is registered */
    public synchronized String current(long now) {
        List<String> c = candidates(now);
        return c.isEmpty() ? null : c.get(0);
    }

    /** Marks the address failed at time now: it moves behind the others. */
    public synchronized void failed(String address, long now) {
        if (address != null && registered.contains(address)) {
            failedAt.remove(address);
            failedAt.put(address, now);
        }
    }

    public synchronized boolean isFailed(String address) {
        return failedAt.containsKey(address);
    }
}
