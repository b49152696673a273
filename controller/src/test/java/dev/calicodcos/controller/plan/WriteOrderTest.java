package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WriteOrderTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ClusterStatus STATUS = new ClusterStatus(7, 7, List.of(), Map.of(), Map.of(), RolloutStatus.initial(),
            Map.of(), List.of(), T0);

    private static AgentPlan plan(String agent, long revision, String grantHash) {
        return new AgentPlan(agent, revision, Map.of(StepName.CNI, "h-" + revision),
                Optional.ofNullable(grantHash).map(h -> new RestartGrant(StepName.DOCKER_CLUSTER_STORE, h, T0)), false, false);
    }

    private static PlanDelta full(PlanResult result) {
        return PlanDelta.of(result, Set.of());
    }

    private static StoredDocuments stored(Map<String, AgentPlan> plans) {
        return new StoredDocuments(Optional.empty(), plans, Optional.of(STATUS), Map.of());
    }

    private static List<String> describe(List<List<PlannedWrite>> batches) {
        return batches.stream().map(batch -> String.join(" ", batch.stream().map(WriteOrderTest::describe).toList())).toList();
    }

    private static String describe(PlannedWrite w) {
        if (w instanceof PlannedWrite.PutSpecInForce f) {
            return "spec:" + f.spec().revision();
        }
        if (w instanceof PlannedWrite.PutPlan p) {
            return "put:" + p.agentId() + p.plan().restartGrant().map(g -> "+grant").orElse("");
        }
        if (w instanceof PlannedWrite.DeletePlan d) {
            return "delete:" + d.agentId();
        }
        return "status";
    }

    @Test
    void writesNothingWhenPlansAreUnchangedAndTheStatusDiffersOnlyInItsTime() {
        Map<String, AgentPlan> stored = Map.of("a", plan("a", 7, "h1"), "b", plan("b", 7, null));
        ClusterStatus later = new ClusterStatus(7, 7, List.of(), Map.of(), Map.of(), RolloutStatus.initial(), Map.of(), List.of(),
                T0.plusSeconds(30));

        assertThat(WriteOrder.batches(full(new PlanResult(Optional.empty(), stored, Set.of(), later)), stored(stored), 100)).isEmpty();
    }

    @Test
    void releasesComeBeforeGrantsAndTheStatusLast() {
        // | agent | stored                 | planned               | kind     |
        // | a     | grant h1               | no grant              | release  |
        // | b     | no grant               | grant h2              | grant    |
        // | c     | grant h3               | grant h3, new spec    | release (keeps its grant; issues none) |
        // | d     | plan                   | deleted               | release  |
        // | e     | none                   | new plan, no grant    | release  |
        Map<String, AgentPlan> stored = Map.of("a", plan("a", 7, "h1"), "b", plan("b", 7, null), "c", plan("c", 7, "h3"),
                "d", plan("d", 7, null));
        Map<String, AgentPlan> planned = Map.of("a", plan("a", 8, null), "b", plan("b", 8, "h2"), "c", plan("c", 8, "h3"),
                "e", plan("e", 8, null));
        ClusterStatus status = new ClusterStatus(8, 8, List.of(), Map.of(), Map.of(), RolloutStatus.initial(), Map.of(), List.of(), T0);

        List<List<PlannedWrite>> batches = WriteOrder.batches(full(new PlanResult(Optional.empty(), planned, Set.of("d"), status)), stored(stored), 100);

        assertThat(describe(batches)).containsExactly("delete:d put:a put:c+grant put:e put:b+grant status");
    }

    @Test
    void aGrantChangingHashOnTheSameAgentCountsAsANewGrant() {
        Map<String, AgentPlan> stored = Map.of("a", plan("a", 7, "h1"), "b", plan("b", 7, null));
        Map<String, AgentPlan> planned = Map.of("a", plan("a", 7, "h2"), "b", plan("b", 8, null));

        List<List<PlannedWrite>> batches = WriteOrder.batches(full(new PlanResult(Optional.empty(), planned, Set.of(), STATUS)), stored(stored), 100);

        assertThat(describe(batches)).containsExactly("put:b put:a+grant");
    }

    @Test
    void cutsIntoBatchesWithEveryGrantAfterEveryRelease() {
        Map<String, AgentPlan> stored = new HashMap<>();
        Map<String, AgentPlan> planned = new HashMap<>();
        Set<String> granted = new HashSet<>();
        IntStream.range(0, 230).forEach(i -> {
            String agent = String.format("agent-%03d", i);
            stored.put(agent, plan(agent, 7, null));
            boolean grant = i % 10 == 0; // 23 grants spread over the agents
            planned.put(agent, plan(agent, 8, grant ? "h" : null));
            if (grant) {
                granted.add(agent);
            }
        });

        List<List<PlannedWrite>> batches = WriteOrder.batches(full(new PlanResult(Optional.empty(), planned, Set.of(), STATUS)), stored(stored), 100);

        assertThat(batches).extracting(List::size).containsExactly(100, 100, 30);
        List<PlannedWrite> all = batches.stream().flatMap(List::stream).toList();
        int firstGrant = IntStream.range(0, all.size())
                .filter(i -> all.get(i) instanceof PlannedWrite.PutPlan p && p.plan().restartGrant().isPresent()).findFirst().orElseThrow();
        assertThat(firstGrant).as("every release is written before the first grant").isEqualTo(230 - granted.size());
        assertThat(all.subList(firstGrant, all.size())).allSatisfy(w ->
                assertThat(((PlannedWrite.PutPlan) w).plan().restartGrant()).isPresent());
    }

    @Test
    void theSpecInForceIsWrittenFirstAndOnlyWhenItChanged() {
        SpecInForce eight = new SpecInForce(8, Specs.minimal().spec());
        Map<String, AgentPlan> stored = Map.of("a", plan("a", 7, null));
        Map<String, AgentPlan> planned = Map.of("a", plan("a", 8, "h1"));

        List<List<PlannedWrite>> first = WriteOrder.batches(full(new PlanResult(Optional.of(eight), planned, Set.of(), STATUS)),
                new StoredDocuments(Optional.of(new SpecInForce(7, Specs.minimal().spec())), stored, Optional.of(STATUS), Map.of()), 1);
        List<List<PlannedWrite>> again = WriteOrder.batches(full(new PlanResult(Optional.of(eight), planned, Set.of(), STATUS)),
                new StoredDocuments(Optional.of(eight), planned, Optional.of(STATUS), Map.of()), 1);

        assertThat(first.get(0)).containsExactly(new PlannedWrite.PutSpecInForce(eight));
        assertThat(describe(first.subList(1, first.size()))).containsExactly("put:a+grant");
        assertThat(again).isEmpty();
    }

    @Test
    void aStatusThatMovedOnlyInCountsWaitsForItsIntervalWhileANewConditionIsWrittenAtOnce() {
        // | stored (written at T0)     | planned at           | changed                 | written            |
        // | 3 ready                    | T0 + 0.4 s           | counts                  | in 0.6 s           |
        // | 3 ready                    | T0 + 1 s             | counts                  | now                |
        // | 3 ready, not Ready         | T0 + 0.4 s           | the Ready condition     | now                |
        // | 3 ready                    | T0 + 0.4 s           | only its time           | never              |
        Duration interval = Duration.ofSeconds(1);
        ClusterStatus stored = status(3, "False", T0);
        Optional<ClusterStatus> etcd = Optional.of(stored);

        assertThat(WriteOrder.statusDueIn(etcd, status(4, "False", T0.plusMillis(400)), interval)).contains(Duration.ofMillis(600));
        assertThat(WriteOrder.statusDueIn(etcd, status(4, "False", T0.plusSeconds(1)), interval)).contains(Duration.ZERO);
        assertThat(WriteOrder.statusDueIn(etcd, status(4, "True", T0.plusMillis(400)), interval)).contains(Duration.ZERO);
        assertThat(WriteOrder.statusDueIn(etcd, status(3, "False", T0.plusMillis(400)), interval)).isEmpty();
        assertThat(WriteOrder.statusDueIn(Optional.empty(), stored, interval)).as("no document yet").contains(Duration.ZERO);

        PlanDelta countsOnly = full(new PlanResult(Optional.empty(), Map.of(), Set.of(), status(4, "False", T0.plusMillis(400))));
        assertThat(WriteOrder.batches(countsOnly, new StoredDocuments(Optional.empty(), Map.of(), etcd, Map.of()), 100, interval))
                .as("held back").isEmpty();
    }

    private static ClusterStatus status(int ready, String readyCondition, Instant at) {
        return new ClusterStatus(7, 7, List.of(new Condition(Condition.READY, readyCondition, "r", "", T0)),
                Map.of(AgentPhase.READY, ready), Map.of(), RolloutStatus.initial(), Map.of(), List.of(), at);
    }

    @Test
    void refusesABatchSizeBelowOne() {
        assertThatThrownBy(() -> WriteOrder.batches(full(new PlanResult(Optional.empty(), Map.of(), Set.of(), STATUS)), stored(Map.of()), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPerBatch");
    }
}
