package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * At most one REVIVE per interval: every REVIVE makes the allocator re-offer everything, so bursts
 * (many agents appearing at once) are merged into one call sent when the interval has passed.
 */
final class ReviveThrottle {
    private final ScheduledExecutorService timers;
    private final LongSupplier nanoTime;
    private final long minIntervalNanos;
    private final Consumer<Set<String>> send;

    private long lastSent;
    private boolean sentBefore;
    /** Roles waiting for the next revive; {@code null} while nothing waits, empty for "all roles". */
    private Set<String> waiting;
    private ScheduledFuture<?> flush;

    ReviveThrottle(ScheduledExecutorService timers, LongSupplier nanoTime, Duration minInterval, Consumer<Set<String>> send) {
        this.timers = timers;
        this.nanoTime = nanoTime;
        this.minIntervalNanos = minInterval.toNanos();
        this.send = send;
    }

    /** Requests a revive of {@code roles} (empty = all roles). */
    synchronized void request(Collection<String> roles) {
        merge(roles);
        if (flush != null) {
            return;   // already scheduled; the merged roles go with it
        }
        long wait = sentBefore ? lastSent + minIntervalNanos - nanoTime.getAsLong() : 0;
        if (wait <= 0) {
            sendWaiting();
        } else {
            flush = timers.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Drops a revive still waiting for its interval: sent after a SUPPRESS that the caller sends now, it would
     * undo it (the master would offer everything again while the framework believes itself suppressed).
     */
    synchronized void cancel() {
        waiting = null;
        if (flush != null) {
            flush.cancel(false);
            flush = null;
        }
    }

    private synchronized void flush() {
        flush = null;
        if (waiting != null) {
            sendWaiting();
        }
    }

    private void sendWaiting() {
        Set<String> roles = Set.copyOf(waiting);
        waiting = null;
        lastSent = nanoTime.getAsLong();
        sentBefore = true;
        send.accept(roles);
    }

    private void merge(Collection<String> roles) {
        if (waiting == null) {
            waiting = new LinkedHashSet<>(roles);
        } else if (waiting.isEmpty() || roles.isEmpty()) {
            waiting.clear();   // "all roles" absorbs any list
        } else {
            waiting.addAll(roles);
        }
    }
}
