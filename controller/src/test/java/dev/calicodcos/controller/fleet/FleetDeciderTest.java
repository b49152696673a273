package dev.calicodcos.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.ResourceOrigin;
import dev.calicodcos.controller.mesos.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetDeciderTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static Offer offer(String id, String agent, double cpus, double mem) {
        return new Offer(id, "fw", agent, agent + ".example.com", Optional.of("*"),
                List.of(Resource.scalar("cpus", cpus, ResourceOrigin.of("*", "*")), Resource.scalar("mem", mem, ResourceOrigin.of("*", "*"))),
                Map.of(), List.of());
    }

    private static NodeAgentTask task(String agent, String version, TaskState state) {
        return new NodeAgentTask(NodeAgentTask.taskId(agent, version, 1), agent, version, state);
    }

    private static FleetDecider.Decision decide(Set<String> desired, List<NodeAgentTask> tasks, List<Offer> offers, boolean allowed) {
        return FleetDecider.decide(new FleetDecider.Input(desired, "v2", tasks, offers, Map.of("a3", NOW.plusSeconds(10)), NOW, allowed, 0.1, 256));
    }

    @Test
    void launchesOneTaskPerUncoveredAgentAndDeclinesTheRestSayingWhy() {
        FleetDecider.Decision d = decide(Set.of("a1", "a2", "a3", "a5"), List.of(task("a2", "v2", TaskState.TASK_RUNNING)),
                List.of(offer("o1", "a1", 1, 1024), offer("o1b", "a1", 1, 1024), offer("o2", "a2", 1, 1024),
                        offer("o3", "a3", 1, 1024), offer("o4", "a4", 1, 1024), offer("o5", "a5", 0.01, 1024)), true);

        assertThat(d.launches()).extracting(FleetDecider.Launch::agentId).containsExactly("a1");
        assertThat(d.declines()).containsExactly(
                new FleetDecider.Decline("o1b", "a1", FleetDecider.DeclineReason.NOT_NEEDED),
                new FleetDecider.Decline("o2", "a2", FleetDecider.DeclineReason.NOT_NEEDED),
                new FleetDecider.Decline("o3", "a3", FleetDecider.DeclineReason.BACKOFF),
                new FleetDecider.Decline("o4", "a4", FleetDecider.DeclineReason.NOT_NEEDED),
                new FleetDecider.Decline("o5", "a5", FleetDecider.DeclineReason.TOO_SMALL));
        assertThat(d.wantOffers()).as("a3 still waits for its backoff, a5 for resources").isTrue();
    }

    @Test
    void saysWhichUncoveredAgentsCouldTakeAnOfferRightNow() {
        FleetDecider.Decision inBackoff = decide(Set.of("a3"), List.of(), List.of(), true);
        FleetDecider.Decision settling = decide(Set.of("a1"), List.of(), List.of(), false);
        FleetDecider.Decision ready = decide(Set.of("a1", "a2", "a3"), List.of(task("a2", "v2", TaskState.TASK_STAGING)),
                List.of(), true);

        assertThat(inBackoff.wantOffers()).isTrue();
        assertThat(inBackoff.launchable()).as("a3 waits for its relaunch backoff").isEmpty();
        assertThat(settling.launchable()).as("reconciliation has not settled").isEmpty();
        assertThat(ready.launchable()).as("a2 is launching, a3 in backoff").containsExactly("a1");
    }

    @Test
    void everyDesiredAgentWithItsNodeAgentRunningOrLaunchingWantsNoOffers() {
        FleetDecider.Decision d = decide(Set.of("a1", "a2"), List.of(task("a1", "v2", TaskState.TASK_RUNNING),
                task("a2", "v2", TaskState.TASK_STAGING)), List.of(offer("o1", "a1", 1, 1024)), true);

        assertThat(d.wantOffers()).isFalse();
        assertThat(d.launchable()).isEmpty();
        assertThat(d.declines()).extracting(FleetDecider.Decline::reason).containsExactly(FleetDecider.DeclineReason.NOT_NEEDED);
    }

    @Test
    void launchesNothingUntilReconciliationHasSettled() {
        FleetDecider.Decision d = decide(Set.of("a1"), List.of(), List.of(offer("o1", "a1", 1, 1024)), false);

        assertThat(d.launches()).isEmpty();
        assertThat(d.declines()).containsExactly(new FleetDecider.Decline("o1", "a1", FleetDecider.DeclineReason.NOT_SETTLED));
    }

    @Test
    void killsTasksOnAgentsThatNoLongerWantOne() {
        FleetDecider.Decision d = decide(Set.of("a1"), List.of(task("a1", "v2", TaskState.TASK_RUNNING),
                task("a9", "v2", TaskState.TASK_RUNNING), task("a8", "v2", TaskState.TASK_KILLING)), List.of(), true);

        assertThat(d.kill()).extracting(NodeAgentTask::agentId).containsExactly("a9");
        assertThat(d.wantOffers()).isFalse();
    }

    @Test
    void replacesOutdatedTasksOneAtATimeWhileNoOtherIsStarting() {
        List<NodeAgentTask> running = List.of(task("a1", "v1", TaskState.TASK_RUNNING), task("a2", "v1", TaskState.TASK_RUNNING));
        List<NodeAgentTask> oneStarting = List.of(task("a1", "v1", TaskState.TASK_RUNNING), task("a2", "v2", TaskState.TASK_STARTING));

        assertThat(decide(Set.of("a1", "a2"), running, List.of(), true).kill()).extracting(NodeAgentTask::agentId).containsExactly("a1");
        assertThat(decide(Set.of("a1", "a2"), oneStarting, List.of(), true).kill()).isEmpty();
    }

    @Test
    void ofTwoNodeAgentsOnOneAgentKillsAllButOneKeepingARunningOne() {
        NodeAgentTask first = new NodeAgentTask(NodeAgentTask.taskId("a1", "v2", 1), "a1", "v2", TaskState.TASK_STAGING);
        NodeAgentTask running = new NodeAgentTask(NodeAgentTask.taskId("a1", "v2", 2), "a1", "v2", TaskState.TASK_RUNNING);
        NodeAgentTask third = new NodeAgentTask(NodeAgentTask.taskId("a1", "v2", 3), "a1", "v2", TaskState.TASK_RUNNING);

        FleetDecider.Decision d = decide(Set.of("a1"), List.of(first, running, third), List.of(offer("o1", "a1", 1, 1024)), true);

        assertThat(d.kill()).containsExactlyInAnyOrder(first, third);
        assertThat(d.launches()).isEmpty();
        assertThat(d.wantOffers()).isFalse();
    }

    @Test
    void taskIdsRoundTripSoANewLeaderRecognisesItsTasks() {
        String id = NodeAgentTask.taskId("3f1b-S12", "0.1.0", 42);

        assertThat(NodeAgentTask.fromTaskId(id, "3f1b-S12", TaskState.TASK_RUNNING))
                .hasValueSatisfying(t -> assertThat(t.version()).isEqualTo("0.1.0"));
        assertThat(NodeAgentTask.fromTaskId("marathon-app.1", "x", TaskState.TASK_RUNNING)).isEmpty();
    }
}
