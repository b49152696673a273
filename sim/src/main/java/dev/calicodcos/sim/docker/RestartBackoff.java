package dev.calicodcos.sim.docker;

import java.time.Duration;
import java.time.Instant;

/**
 * Docker's restart manager (moby {@code restartmanager/restartmanager.go}) for a container that exits at
 * once: the first restart after 100 ms, each wait twice the one before, at most one minute (the wait goes
 * back to 100 ms only after a run of 10 s, which a crash loop never has). Pure: the loop is computed from
 * the clock when someone looks, no timer runs.
 */
final class RestartBackoff {
    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofMinutes(1);

    private RestartBackoff() {}

    /** The wait before the {@code n}-th restart of a loop ({@code n} ≥ 1). */
    static Duration delay(int n) {
        return n > 20 ? MAX : min(FIRST.multipliedBy(1L << (n - 1)), MAX);
    }

    /** When the {@code n}-th restart of a loop that began (first start and exit) at {@code start} happens. */
    static Instant restartAt(Instant start, int n) {
        Instant at = start;
        for (int i = 1; i <= n; i++) {
            at = at.plus(delay(i));
        }
        return at;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
