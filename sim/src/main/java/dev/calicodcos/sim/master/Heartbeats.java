package dev.calicodcos.sim.master;

import com.google.protobuf.MessageOrBuilder;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Periodic HEARTBEAT on an open stream; stops with the stream, skips while the stream is stalled. */
final class Heartbeats {
    private Heartbeats() {}

    static void start(ScheduledExecutorService scheduler, EventStream stream, Duration interval, MessageOrBuilder heartbeat) {
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        long ms = interval.toMillis();
        try {
            self.set(scheduler.scheduleAtFixedRate(() -> {
                if (!stream.isOpen()) {
                    self.get().cancel(false);
                } else if (!stream.stalled()) {
                    stream.send(heartbeat);
                }
            }, ms, ms, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException shuttingDown) {
            stream.close();
        }
    }
}
