package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.status.ClusterEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private static final Instant T0 = Instant.parse("2026-12-02T04:00:00Z");

    private final List<ClusterEvent> logged = new ArrayList<>();
    private final EventLog log = new EventLog(logged::add);

    private static ClusterEvent event(int second, String reason, String agent) {
        return new ClusterEvent(T0.plusSeconds(second), 7, reason, agent, "dockerClusterStore", reason + " on " + agent);
    }

    @Test
    void eachEventIsToldOnceAsTheStatusGrowsPassAfterPass() {
        ClusterEvent granted = event(1, "RestartGranted", "a1");
        ClusterEvent released = event(9, "RestartReleased", "a1");

        log.tell(List.of(granted));
        log.tell(List.of(granted, released));
        log.tell(List.of(granted, released));

        assertThat(logged).containsExactly(granted, released);
    }

    @Test
    void aNewTermTellsOnlyWhatHappenedAfterTheHistoryItFound() {
        ClusterEvent earlier = event(1, "RestartGranted", "a1");
        ClusterEvent now = event(20, "RestartGranted", "a2");

        log.alreadyTold(List.of(earlier));
        log.tell(List.of(earlier, now));

        assertThat(logged).containsExactly(now);
    }

    @Test
    void twoEventsAlikeButForTheirTimeAreBothTold() {
        log.tell(List.of(event(1, "AgentLost", "a1"), event(2, "AgentLost", "a1")));

        assertThat(logged).hasSize(2);
    }
}
