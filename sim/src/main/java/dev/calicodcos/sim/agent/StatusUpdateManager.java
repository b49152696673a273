package dev.calicodcos.sim.agent;

import com.google.protobuf.ByteString;
import dev.calicodcos.sim.master.StatusSink;
import dev.calicodcos.sim.master.TaskStates;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * The agent's status update manager: per task, one update outstanding at a time, resent with
 * doubling backoff (from {@code retryInterval}, capped at 10 min) until acknowledged; later updates
 * of the same task wait behind it. Forwarding runs on a single thread so order per task holds.
 */
final class StatusUpdateManager {
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final Supplier<AgentID> agentId;
    private final StatusSink master;
    private final BooleanSupplier connected;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService forwarder;
    private final Duration retryInterval;
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private boolean closed;

    private static final class Stream {
        final FrameworkID frameworkId;
        final Deque<TaskStatus> pending = new ArrayDeque<>();
        Duration backoff;
        ScheduledFuture<?> retry;

        Stream(FrameworkID frameworkId, Duration backoff) {
            this.frameworkId = frameworkId;
            this.backoff = backoff;
        }
    }

    StatusUpdateManager(Supplier<AgentID> agentId, StatusSink master, BooleanSupplier connected,
                        ScheduledExecutorService scheduler, ExecutorService forwarder, Duration retryInterval) {
        this.agentId = agentId;
        this.master = master;
        this.connected = connected;
        this.scheduler = scheduler;
        this.forwarder = forwarder;
        this.retryInterval = retryInterval;
    }

    synchronized void update(FrameworkID frameworkId, TaskStatus status) {
        if (closed) {
            return;                                   // the agent is shutting down: nobody will hear it
        }
        Stream stream = streams.computeIfAbsent(status.getTaskId().getValue(), k -> new Stream(frameworkId, retryInterval));
        stream.pending.addLast(status);
        if (stream.pending.size() == 1) {
            forwardHead(status.getTaskId().getValue(), stream);
        }
    }

    synchronized void acknowledge(TaskID taskId, ByteString uuid) {
        Stream stream = streams.get(taskId.getValue());
        if (stream == null || stream.pending.isEmpty() || !stream.pending.peekFirst().getUuid().equals(uuid)) {
            return;                                   // duplicate or stale ack: ignored, as the agent does
        }
        TaskStatus acked = stream.pending.removeFirst();
        cancelRetry(stream);
        stream.backoff = retryInterval;
        if (!stream.pending.isEmpty()) {
            forwardHead(taskId.getValue(), stream);
        } else if (TaskStates.isTerminal(acked.getState())) {
            streams.remove(taskId.getValue());
        }
    }

    /** After (re)registration: resend every outstanding update now. */
    synchronized void resendAll() {
        streams.forEach((taskId, stream) -> {
            if (!stream.pending.isEmpty()) {
                cancelRetry(stream);
                stream.backoff = retryInterval;
                forwardHead(taskId, stream);
            }
        });
    }

    synchronized void forgetFramework(FrameworkID frameworkId) {
        streams.values().removeIf(s -> {
            if (s.frameworkId.equals(frameworkId)) {
                cancelRetry(s);
                return true;
            }
            return false;
        });
    }

    synchronized int outstanding() {
        return streams.values().stream().mapToInt(s -> s.pending.size()).sum();
    }

    synchronized void close() {
        closed = true;
        streams.values().forEach(this::cancelRetry);
        streams.clear();
    }

    private void forwardHead(String taskId, Stream stream) {
        if (closed) {
            return;
        }
        TaskStatus head = stream.pending.peekFirst();
        FrameworkID frameworkId = stream.frameworkId;
        forwarder.execute(() -> {
            if (connected.getAsBoolean() && isHead(taskId, head)) {
                master.statusUpdate(agentId.get(), frameworkId, head);
            }
        });
        long delay = stream.backoff.toMillis();
        stream.backoff = stream.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : stream.backoff.multipliedBy(2);
        stream.retry = scheduler.schedule(() -> retry(taskId), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void retry(String taskId) {
        Stream stream = streams.get(taskId);
        if (stream != null && !stream.pending.isEmpty()) {
            forwardHead(taskId, stream);
        }
    }

    private synchronized boolean isHead(String taskId, TaskStatus status) {
        Stream stream = streams.get(taskId);
        return stream != null && stream.pending.peekFirst() == status;
    }

    private void cancelRetry(Stream stream) {
        if (stream.retry != null) {
            stream.retry.cancel(false);
            stream.retry = null;
        }
    }
}
