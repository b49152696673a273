package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.RolloutStatus;
import dev.calicodcos.model.status.StepCell;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    @Test
    void theOverviewShowsTheFirstNotReadyAgentsMostUrgentFirstAndCountsTheRest() {
        ClusterStatus status = status(70, 5, 25);

        List<String> lines = StatusTable.overview("default", status, 20).lines().toList();

        List<String> agentRows = lines.stream().filter(l -> l.startsWith("agent-")).toList();
        assertThat(agentRows).hasSize(20);
        assertThat(agentRows.subList(0, 5)).allSatisfy(l -> assertThat(l).contains("FAILED"));
        assertThat(agentRows.subList(5, 20)).allSatisfy(l -> assertThat(l).contains("PROGRESSING"));
        assertThat(lines).contains("… and 10 more not ready; `status --agents` lists every agent");
    }

    @Test
    void whenEveryAgentIsReadyTheOverviewIsTheSummaryAlone() {
        String overview = StatusTable.overview("default", status(3, 0, 0), 20);

        assertThat(overview).contains("agents: 3 (3 ready)").doesNotContain("AGENT", "more not ready");
    }

    @Test
    void theSummaryHasConditionsCountsRolloutAndEachStepByStepPhase() {
        String summary = StatusTable.summary("default", status(70, 5, 25));

        assertThat(summary).startsWith("calicocluster/default  spec revision 7 in force, observed 8\n")
                .contains("Degraded   True    RolloutHalted")
                .contains("agents: 100 (5 failed, 25 progressing, 70 ready)\n")
                .contains("rollout: 2 restarts in flight, paused, halted since 2026-12-01T10:00:00Z\n");
        List<String> steps = summary.lines().dropWhile(l -> !l.startsWith("STEP")).toList();
        assertThat(steps.get(0).split("\\s+")).containsExactly("STEP", "APPLYING", "DONE", "FAILED");
        assertThat(steps.get(1).split("\\s+")).containsExactly("etcdProxy", "-", "100", "-");
        assertThat(steps.get(3).split("\\s+")).containsExactly("cni", "25", "70", "5");
        assertThat(summary).doesNotContain("agent-");
    }

    @Test
    void listedAgentsComeInTheSameOrderAndAnEmptyListSaysSo() {
        ClusterStatus status = status(2, 1, 1);

        List<String> rows = StatusTable.withAgents("default", status, status.agents().values()).lines()
                .filter(l -> l.startsWith("agent-")).toList();

        assertThat(rows).extracting(l -> l.split("\\s+")[2]).containsExactly("FAILED", "PROGRESSING", "READY", "READY");
        assertThat(StatusTable.withAgents("default", status, List.of())).endsWith("\nno agent matches\n");
    }

    @Test
    void progressCountsFromTheSummaryAlone() {
        ClusterStatus summary = status(70, 5, 25);
        ClusterStatus withoutRows = new ClusterStatus(8, 7, summary.conditions(), summary.agentCounts(), summary.steps(), summary.rollout(),
                Map.of(), List.of(), null);

        assertThat(StatusTable.progress(withoutRows))
                .isEqualTo("revision 7: 70/100 agents ready (25 progressing, 70 ready, 5 failed), restarts in flight 2");
    }

    /** {@code ready} READY agents, then {@code failed} FAILED at cni, then {@code progressing} applying cni. */
    private static ClusterStatus status(int ready, int failed, int progressing) {
        Map<String, AgentStatus> rows = new HashMap<>();
        Map<AgentPhase, Integer> counts = new EnumMap<>(AgentPhase.class);
        Map<StepName, Map<StepPhase, Integer>> steps = new EnumMap<>(StepName.class);
        int n = ready + failed + progressing;
        for (int i = 0; i < n; i++) {
            AgentPhase phase = i < ready ? AgentPhase.READY : i < ready + failed ? AgentPhase.FAILED : AgentPhase.PROGRESSING;
            StepPhase cni = phase == AgentPhase.READY ? StepPhase.DONE : phase == AgentPhase.FAILED ? StepPhase.FAILED : StepPhase.APPLYING;
            Map<StepName, StepCell> cells = new EnumMap<>(StepName.class);
            for (StepName step : StepName.values()) {
                StepPhase p = step == StepName.CNI ? cni : StepPhase.DONE;
                cells.put(step, new StepCell(p, "h", ""));
                steps.computeIfAbsent(step, s -> new EnumMap<>(StepPhase.class)).merge(p, 1, Integer::sum);
            }
            String id = "agent-%03d".formatted(n - i); // ids against the phase order, so ordering is by phase first
            rows.put(id, new AgentStatus(id, "host-" + i, phase, 7, cells, phase == AgentPhase.FAILED ? "cni: ChecksumMismatch" : "",
                    null, null));
            counts.merge(phase, 1, Integer::sum);
        }
        List<Condition> conditions = failed > 0
                ? List.of(new Condition("Degraded", "True", "RolloutHalted", "5 agents failed", Instant.parse("2026-12-01T10:00:00Z")))
                : List.of();
        RolloutStatus rollout = failed > 0
                ? new RolloutStatus(2, true, true, Instant.parse("2026-12-01T10:00:00Z"), Set.of())
                : RolloutStatus.initial();
        return new ClusterStatus(8, 7, conditions, counts, steps, rollout, rows, List.of(), null);
    }

    @Test
    void aCanaryWaveThatHoldsTheOthersIsNamedInTheRolloutLineAndTheProgress() {
        ClusterStatus status = new ClusterStatus(8, 8, List.of(), Map.of(AgentPhase.PROGRESSING, 1, AgentPhase.PENDING, 3), Map.of(),
                new RolloutStatus(1, false, false, null, Set.of(), Set.of("a1"), 0), Map.of(), List.of(), null);

        assertThat(StatusTable.overview("default", status, 20)).contains("rollout: 1 restart in flight, canary wave of 1 first (a1); the others wait");
        assertThat(StatusTable.progress(status)).endsWith(", restarts in flight 1, canary wave of 1");
    }
}
