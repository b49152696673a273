package dev.calicodcos.controller.mesos;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Declares a subscription dead when nothing arrived on it for too long, and then runs its
 * {@code onExpiry} action (which cancels the stream's HTTP call so that the reader wakes up).
 */
final class HeartbeatWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWatchdog.class);

    private final ScheduledExecutorService timers;
    private final LongSupplier nanoTime;
    private ScheduledFuture<?> check;
    private long lastActivity;
    private long timeoutNanos;
    private Runnable onExpiry;

    HeartbeatWatchdog(ScheduledExecutorService timers, LongSupplier nanoTime) {
        this.timers = timers;
        this.nanoTime = nanoTime;
    }

    /** Starts (or restarts) watching: {@code onExpiry} runs once if {@code timeout} passes without activity. */
    synchronized void watch(Duration timeout, Runnable expiry) {
        stop();
        this.onExpiry = expiry;
        this.lastActivity = nanoTime.getAsLong();
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 5));
        check = timers.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Changes the allowed silence, e.g. once SUBSCRIBED told us the heartbeat interval. */
    synchronized void timeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.lastActivity = nanoTime.getAsLong();
    }

    synchronized void activity() {
        lastActivity = nanoTime.getAsLong();
    }

    synchronized void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        onExpiry = null;
    }

    private void check() {
        Runnable expired;
        synchronized (this) {
            if (onExpiry == null || nanoTime.getAsLong() - lastActivity < timeoutNanos) {
                return;
            }
            expired = onExpiry;
            stop();
        }
        LOG.warn("no event from the master in time, dropping subscription timeoutMs={}", timeoutNanos / 1_000_000);
        expired.run();
    }
}
