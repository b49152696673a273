package dev.calicodcos.sim.master;

import dev.calicodcos.sim.proto.RecordIo;
import dev.calicodcos.sim.proto.StrictJson;
import com.google.protobuf.MessageOrBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One open RecordIO response stream. Producers enqueue without blocking (so the master can send while
 * holding its lock); the HTTP handler thread that owns the connection drains the queue and flushes
 * every record so it really leaves the process. "Stalled" holds records back without closing.
 */
public final class EventStream {
    private static final byte[] CLOSE = new byte[0];

    private final String id = UUID.randomUUID().toString();
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final Consumer<EventStream> onBroken;
    private volatile boolean closed;
    private volatile boolean stalled;

    public EventStream(Consumer<EventStream> onBroken) {
        this.onBroken = onBroken;
    }

    public String id() {
        return id;
    }

    public void send(MessageOrBuilder event) {
        if (!closed) {
            queue.add(RecordIo.frame(StrictJson.print(event)));
        }
    }

    /** Ends the stream after the records already queued. */
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(CLOSE);
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    public void stall(boolean stall) {
        this.stalled = stall;
    }

    public boolean stalled() {
        return stalled;
    }

    /** Runs on the connection's handler thread until the stream closes or the peer goes away. */
    public void pump(OutputStream out) {
        try {
            while (true) {
                boolean holding = stalled && !closed;
                byte[] record = holding ? null : queue.poll(50, TimeUnit.MILLISECONDS);
                if (holding) {
                    Thread.sleep(20);   // holding records back is the point of a stall
                    continue;
                }
                if (record == null) {
                    continue;
                }
                if (record == CLOSE) {
                    break;
                }
                out.write(record);
                out.flush();
            }
        } catch (IOException e) {
            closed = true;
            onBroken.accept(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            try {
                out.close();
            } catch (IOException ignored) {
                // the peer is gone already
            }
        }
    }

    public Optional<String> idIfOpen() {
        return closed ? Optional.empty() : Optional.of(id);
    }
}
