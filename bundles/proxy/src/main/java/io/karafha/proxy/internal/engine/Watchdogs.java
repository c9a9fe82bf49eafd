package io.karafha.proxy.internal.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The safety net for the response headers of every attempt on one HttpClient: one task looks at
 * the watched attempts every {@value #SWEEP_MS} ms, while any is watched, instead of a task
 * scheduled and cancelled per request (that cost 3 % of the balancer's CPU at 16 connections,
 * all threads taking the scheduler queue's lock twice per request). A deadline is therefore
 * kept within {@value #SWEEP_MS} ms; it is a safety net behind the connect and idle timeouts.
 */
final class Watchdogs {

    static final long SWEEP_MS = 100;

    private final Scheduler scheduler;
    private final Set<Attempt> watched = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    Watchdogs(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Watches {@code attempt} until {@link Attempt#overdue} says it is done. */
    void watch(Attempt attempt) {
        watched.add(attempt);
        if (sweeping.compareAndSet(false, true)) {
            next();
        }
    }

    /** The attempt's response headers came, or it ended. */
    void unwatch(Attempt attempt) {
        watched.remove(attempt);
    }

    private void next() {
        try {
            scheduler.schedule(this::sweep, SWEEP_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            sweeping.set(false); // the client is stopping: it aborts its requests itself
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Attempt attempt : watched) {
            try {
                if (attempt.overdue(now)) {
                    watched.remove(attempt);
                }
            } catch (RuntimeException e) {
                watched.remove(attempt); // an abort that failed: nothing more to watch on it
            }
        }
        if (!watched.isEmpty()) {
            next();
            return;
        }
        sweeping.set(false);
        if (!watched.isEmpty() && sweeping.compareAndSet(false, true)) {
            next(); // one came in between
        }
    }
}
