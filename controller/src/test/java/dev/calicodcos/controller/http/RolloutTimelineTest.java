package dev.calicodcos.controller.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.RolloutStatus;
import dev.calicodcos.testkit.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutTimelineTest {
    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-01T10:00:00Z"));
    private final RolloutTimeline timeline = new RolloutTimeline(clock);

    @Test
    void aPassThatChangesNothingAddsNoPointUntilTheHeartbeat() {
        timeline.record(status(5, 0, 1));
        clock.advance(Duration.ofSeconds(1));
        timeline.record(status(5, 0, 1));
        clock.advance(RolloutTimeline.HEARTBEAT);
        timeline.record(status(5, 0, 1));

        assertThat(timeline.points()).extracting(RolloutTimeline.Point::at)
                .containsExactly(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:31Z"));
    }

    @Test
    void everyChangeOfReadyAgentsOrRestartsInFlightIsAPoint() {
        timeline.record(status(3, 0, 0));
        timeline.record(status(3, 0, 1));
        timeline.record(status(3, 1, 1));
        timeline.record(status(3, 1, 0));

        assertThat(timeline.points()).extracting(RolloutTimeline.Point::ready, RolloutTimeline.Point::restartsInFlight)
                .containsExactly(tuple(0, 0), tuple(0, 1),
                        tuple(1, 1), tuple(1, 0));
        assertThat(timeline.points()).allSatisfy(p -> assertThat(p.agents()).isEqualTo(3));
    }

    @Test
    void theOldestPointsGoFirstWhenItIsFull() {
        for (int i = 0; i < RolloutTimeline.CAPACITY + 10; i++) {
            timeline.record(status(RolloutTimeline.CAPACITY + 10, i, 0));
        }

        List<RolloutTimeline.Point> points = timeline.points();
        assertThat(points).hasSize(RolloutTimeline.CAPACITY);
        assertThat(points.get(0).ready()).isEqualTo(10);
        assertThat(points.get(points.size() - 1).ready()).isEqualTo(RolloutTimeline.CAPACITY + 9);
    }

    /** A summary: the timeline counts from the counts, so it records the same with or without the agents' rows. */
    private static ClusterStatus status(int agents, int ready, int restarts) {
        Map<AgentPhase, Integer> counts = Map.of(AgentPhase.READY, ready, AgentPhase.PROGRESSING, agents - ready);
        return new ClusterStatus(1, 1, List.of(), counts, Map.of(), new RolloutStatus(restarts, false, false, null, Set.of()), Map.of(),
                List.of(), null);
    }
}
