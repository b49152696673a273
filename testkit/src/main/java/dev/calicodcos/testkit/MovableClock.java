package dev.calicodcos.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/** A clock tests move forward by hand, from a fixed instant or from real time (to stay comparable with file times). */
public final class MovableClock extends Clock {
    private final Supplier<Instant> base;
    private Duration offset = Duration.ZERO;

    private MovableClock(Supplier<Instant> base) {
        this.base = base;
    }

    public static MovableClock at(Instant start) {
        return new MovableClock(() -> start);
    }

    public static MovableClock realTime() {
        return new MovableClock(Instant::now);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return base.get().plus(offset);
    }
}
