package dev.calicodcos.controller.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.plan.PlanDelta;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.testkit.InMemoryKvStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaintenanceDrainsTest {
    private static final String KEY = "/t/clusters/default/drained-machines";
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Rollout ROLLOUT = Specs.parse(Specs.withSpec(
            "rollout:\n  restartTimeout: 1m\n  stabilityPeriod: 10s\n  drain: {enabled: true, timeout: 2m}\n")).spec().rollout();
    private static final Machine A1 = new Machine("a1.example.com", "10.0.1.1");
    private static final Window OPERATORS = new Window(List.of(new Machine("db", "10.0.9.9")), 5L, Optional.empty());

    private final InMemoryKvStore kv = new InMemoryKvStore();
    private final KvStore.Fence fence = new KvStore.Fence("/t/leader", 0);
    private final FakeSchedule schedule = new FakeSchedule(new ArrayList<>(List.of(OPERATORS)));

    private static final class FakeSchedule implements MaintenanceSchedule {
        List<Window> windows;
        RuntimeException failure;
        int writes;

        FakeSchedule(List<Window> windows) {
            this.windows = windows;
        }

        @Override
        public List<Window> windows() {
            if (failure != null) {
                throw failure;
            }
            return List.copyOf(windows);
        }

        @Override
        public void replace(List<Window> next) {
            writes++;
            windows = new ArrayList<>(next);
        }
    }

    private MaintenanceDrains drains() {
        return new MaintenanceDrains(schedule, kv, KEY, new ObjectMapper().findAndRegisterModules());
    }

    private static PlanDelta delta(Optional<RestartGrant> grant) {
        AgentPlan plan = new AgentPlan("a1", 3, Map.of(), grant, false, false);
        return new PlanDelta(Optional.empty(), Map.of("a1", plan), Set.of(), Map.of(), Set.of(), ClusterStatus.empty(), Set.of("a1"));
    }

    private static Optional<RestartGrant> drainGrant() {
        return Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, "h", T, Optional.of(T.plusSeconds(120))));
    }

    private List<ClusterEvent> sync(MaintenanceDrains drains, Instant now) {
        return drains.sync(fence, ROLLOUT, id -> id.equals("a1") ? Optional.of(A1) : Optional.empty(), now, 3);
    }

    @Test
    void aDrainGrantPutsTheMachineInTheScheduleForTheDrainTheRestartAndItsStabilityAndItsReleaseTakesItOut() {
        MaintenanceDrains drains = drains();

        drains.planned(delta(drainGrant()));
        List<ClusterEvent> started = sync(drains, T);
        assertThat(schedule.windows).containsExactly(OPERATORS, new Window(List.of(A1), T.getEpochSecond() * 1_000_000_000L,
                Optional.of(190_000_000_000L)));
        assertThat(started).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("MaintenanceStarted");
            assertThat(e.message()).startsWith("a1.example.com (10.0.1.1) is in the Mesos maintenance schedule for 190s");
        });
        assertThat(sync(drains, T.plusSeconds(1))).as("nothing changed: no master call").isEmpty();
        assertThat(schedule.writes).isEqualTo(1);

        drains.planned(delta(Optional.empty()));
        assertThat(sync(drains, T.plusSeconds(60))).extracting(ClusterEvent::reason).containsExactly("MaintenanceEnded");
        assertThat(schedule.windows).containsExactly(OPERATORS);
    }

    @Test
    void aNewLeaderRemovesTheMachinesAnEarlierOneLeftWhoseAgentNoLongerHoldsAGrant() {
        MaintenanceDrains first = drains();
        first.planned(delta(drainGrant()));
        sync(first, T);

        MaintenanceDrains next = drains(); // another controller, after the first died
        next.newTerm();
        next.planned(delta(Optional.empty()));
        sync(next, T.plusSeconds(5));

        assertThat(schedule.windows).containsExactly(OPERATORS);
        assertThat(kv.get(KEY).orElseThrow().value()).asString().isEqualTo("{\"agents\":{}}");
    }

    @Test
    void aFailingMasterIsAnEventTriedAgainLaterAndNeverAnException() {
        MaintenanceDrains drains = drains();
        schedule.failure = new IllegalStateException("HTTP 403 from /master/maintenance/schedule");
        drains.planned(delta(drainGrant()));

        List<ClusterEvent> failed = sync(drains, T);
        List<ClusterEvent> tooSoon = sync(drains, T.plusSeconds(10));
        schedule.failure = null;
        List<ClusterEvent> later = sync(drains, T.plus(MaintenanceDrains.RETRY));

        assertThat(failed).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("MaintenanceFailed");
            assertThat(e.message()).contains("HTTP 403 from /master/maintenance/schedule", "rollout.drain.timeout 2m");
        });
        assertThat(tooSoon).isEmpty();
        assertThat(later).extracting(ClusterEvent::reason).containsExactly("MaintenanceStarted");
    }
}
