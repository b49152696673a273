package dev.calicodcos.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.plan.PlanDelta;
import dev.calicodcos.controller.plan.PlanResult;
import dev.calicodcos.controller.plan.PlannedWrite;
import dev.calicodcos.controller.plan.WriteOrder;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.RolloutStatus;
import dev.calicodcos.model.status.StepCell;
import dev.calicodcos.testkit.InMemoryKvStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClusterStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final KvStore.Fence LEADER = new KvStore.Fence("/test/controller/leader", 1);
    private final ClusterKeys keys = new ClusterKeys("/test", "default");
    private final ClusterDocuments documents = new ClusterDocuments(keys, new SpecCodec());
    private final InMemoryKvStore kv = new InMemoryKvStore();
    private final ClusterStore store = new ClusterStore(kv, documents);

    private static AgentStatus row(String agent, AgentPhase phase) {
        return new AgentStatus(agent, agent + ".example.com", phase, 7,
                Map.of(StepName.CNI, new StepCell(StepPhase.DONE, "h-cni", null)), null, T0, null);
    }

    private static ClusterStatus status(Map<String, AgentStatus> rows) {
        Map<AgentPhase, Integer> counts = rows.values().stream().collect(Collectors.toMap(AgentStatus::phase, r -> 1, Integer::sum));
        return new ClusterStatus(7, 7, List.of(new Condition(Condition.READY, "False", "Progressing", "rolling out", T0)), counts,
                Map.of(), new RolloutStatus(1, false, false, null, Set.of()),
                rows, List.of(new ClusterEvent(T0, 7, "SpecApplied", null, null, "spec revision 7 in force")), T0);
    }

    private static Map<String, AgentPlan> plans(int n) {
        return IntStream.range(0, n).mapToObj(i -> "agent-" + i).collect(Collectors.toMap(id -> id, id -> new AgentPlan(id, 7,
                Map.of(StepName.CNI, "h-cni"),
                id.equals("agent-0") ? Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, "h-d", T0)) : Optional.empty(),
                false, false)));
    }

    private void write(PlanResult result, ClusterSnapshot before) {
        List<List<PlannedWrite>> batches = WriteOrder.batches(PlanDelta.of(result, before.allRows().keySet()), before.stored(), ClusterStore.MAX_WRITES_PER_TXN);
        assertThat(store.commit(LEADER, batches)).isPresent();
    }

    @Test
    void whatAPassWritesReadsBackEqualSoTheNextPassWritesNothing() {
        Map<String, AgentStatus> rows = Map.of("agent-0", row("agent-0", AgentPhase.PROGRESSING), "agent-1", row("agent-1", AgentPhase.READY));
        SpecInForce spec = new SpecInForce(7, Specs.minimal().spec());
        PlanResult result = new PlanResult(Optional.of(spec), plans(2), Set.of(), status(rows));

        write(result, store.load());
        ClusterSnapshot after = store.load();

        assertThat(after.specInForce()).contains(spec);
        assertThat(after.plans()).isEqualTo(result.plans());
        assertThat(after.status()).isEqualTo(result.status());
        assertThat(WriteOrder.batches(PlanDelta.of(result, after.allRows().keySet()), after.stored(), ClusterStore.MAX_WRITES_PER_TXN)).isEmpty();
    }

    @Test
    void aTermIsMarkedWithItsStartAndFenceAndADeposedLeaderCannotMarkOne() {
        assertThat(store.markTerm(LEADER, T0)).isPresent();

        String term = new String(kv.get(keys.term()).orElseThrow().value(), StandardCharsets.UTF_8);
        assertThat(term).isEqualTo("{\"since\":\"2026-12-01T10:00:00Z\",\"fence\":1}");

        kv.depose(LEADER);
        assertThat(store.markTerm(LEADER, T0.plusSeconds(60))).isEmpty();
        assertThat(new String(kv.get(keys.term()).orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo(term);
    }

    @Test
    void theStatusDocumentStaysBoundedAndEachAgentsRowIsItsOwnKey() {
        Map<String, AgentStatus> rows = IntStream.range(0, 500).mapToObj(i -> row("agent-" + i, AgentPhase.READY))
                .collect(Collectors.toMap(AgentStatus::agentId, r -> r));
        write(new PlanResult(Optional.empty(), plans(0), Set.of(), status(rows)), store.load());

        String document = new String(kv.get(keys.status()).orElseThrow().value(), StandardCharsets.UTF_8);
        assertThat(document).contains("\"agents\":{}").doesNotContain("agent-1");
        assertThat(document.length()).isLessThan(2_000);
        assertThat(kv.get(keys.agentStatus("agent-499"))).isPresent();
    }

    @Test
    void oneAgentsChangeRewritesOneRowAndARowThatIsGoneIsDeleted() {
        Map<String, AgentStatus> rows = Map.of("agent-0", row("agent-0", AgentPhase.PROGRESSING), "agent-1", row("agent-1", AgentPhase.READY),
                "agent-2", row("agent-2", AgentPhase.READY));
        write(new PlanResult(Optional.empty(), plans(0), Set.of(), status(rows)), store.load());
        ClusterSnapshot snapshot = store.load();
        ClusterStatus stored = snapshot.status();

        Map<String, AgentStatus> next = Map.of("agent-0", row("agent-0", AgentPhase.READY), "agent-1", row("agent-1", AgentPhase.READY));
        ClusterStatus planned = new ClusterStatus(stored.observedGeneration(), stored.appliedGeneration(), stored.conditions(),
                stored.agentCounts(), stored.steps(), stored.rollout(), next, stored.events(), T0.plusSeconds(5));

        List<PlannedWrite> writes = WriteOrder.batches(PlanDelta.of(new PlanResult(Optional.empty(), Map.of(), Set.of(), planned), snapshot.allRows().keySet()), snapshot.stored(), 100).get(0);
        assertThat(writes).containsExactly(new PlannedWrite.DeleteRow("agent-2"), new PlannedWrite.PutRow("agent-0", next.get("agent-0")));
    }

    @Test
    void aStatusDocumentWithTheRowsInsideFromAnEarlierVersionIsReadWithItsRowsAndMovedOut() {
        Map<String, AgentStatus> rows = Map.of("agent-0", row("agent-0", AgentPhase.READY), "agent-1", row("agent-1", AgentPhase.READY));
        kv.put(keys.status(), documents.encode(status(rows)));

        ClusterSnapshot before = store.load();
        assertThat(before.status().agents()).isEqualTo(rows);

        write(new PlanResult(Optional.empty(), Map.of(), Set.of(), status(rows)), before);
        assertThat(new String(kv.get(keys.status()).orElseThrow().value(), StandardCharsets.UTF_8)).contains("\"agents\":{}");
        assertThat(store.load().status()).isEqualTo(status(rows));
    }

    @Test
    void theSummaryIsOneReadAndAbsentBeforeTheFirstStatus() {
        assertThat(store.summary()).isEmpty();
        assertThat(store.status()).isEmpty();

        write(new PlanResult(Optional.empty(), Map.of(), Set.of(), status(Map.of("agent-0", row("agent-0", AgentPhase.READY)))), store.load());
        int reads = kv.reads();

        assertThat(store.summary()).get().extracting(ClusterStatus::agents).isEqualTo(Map.of());
        assertThat(kv.reads()).isEqualTo(reads + 1);
    }
}
