package dev.calicodcos.controller.http;

import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The rollout over time, for the status page's timeline: after each pass, how many agents are
 * ready and how many restarts are in flight. Kept in memory by the replica that computes the
 * status (the leader), so it starts when that replica took over. A point is added only when
 * something changed, or to mark time once per {@link #HEARTBEAT} while nothing does; the oldest
 * points go once there are {@link #CAPACITY}.
 */
public final class RolloutTimeline {
    static final int CAPACITY = 2_000;
    static final Duration HEARTBEAT = Duration.ofSeconds(30);

    /** One moment of the rollout. */
    public record Point(Instant at, long revision, int agents, int ready, int failed, int restartsInFlight) {
        boolean sameCounts(Point other) {
            return revision == other.revision && agents == other.agents && ready == other.ready && failed == other.failed
                    && restartsInFlight == other.restartsInFlight;
        }
    }

    private final Clock clock;
    private final Deque<Point> points = new ArrayDeque<>();

    public RolloutTimeline(Clock clock) {
        this.clock = clock;
    }

    public synchronized void record(ClusterStatus status) {
        int agents = StatusSummary.agents(status); // from the counts: a summary without rows records the same
        Point point = new Point(clock.instant(), status.appliedGeneration(), agents,
                status.agentCounts().getOrDefault(AgentPhase.READY, 0), status.agentCounts().getOrDefault(AgentPhase.FAILED, 0),
                status.rollout().grantsInFlight());
        Point last = points.peekLast();
        if (last != null && last.sameCounts(point) && point.at().isBefore(last.at().plus(HEARTBEAT))) {
            return;
        }
        if (points.size() == CAPACITY) {
            points.removeFirst();
        }
        points.addLast(point);
    }

    public synchronized List<Point> points() {
        return List.copyOf(points);
    }
}
