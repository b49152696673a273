package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.http.AgentOrder;
import dev.calicodcos.controller.http.StatusSummary;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.RolloutStatus;
import dev.calicodcos.model.status.StepCell;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a status as the text {@code calico-dcos status} prints (and the demo's progress line):
 * a summary whose size does not grow with the cluster, then as many agents as asked for. Pure.
 */
public final class StatusTable {
    private StatusTable() {}

    /** The summary and the first {@code max} agents that are not ready, most urgent first, saying how many more there are. */
    static String overview(String cluster, ClusterStatus status, int max) {
        List<AgentStatus> notReady = status.agents().values().stream().filter(a -> a.phase() != AgentPhase.READY)
                .sorted(AgentOrder.AGENTS).toList();
        StringBuilder out = new StringBuilder(summary(cluster, status));
        if (notReady.isEmpty()) {
            return out.toString();
        }
        out.append('\n').append(grid(notReady.subList(0, Math.min(max, notReady.size()))));
        if (notReady.size() > max) {
            out.append("… and ").append(notReady.size() - max).append(" more not ready; `status --agents` lists every agent\n");
        }
        return out.toString();
    }

    /** The summary and these agents, most urgent first. */
    static String withAgents(String cluster, ClusterStatus status, Collection<AgentStatus> agents) {
        String rows = agents.isEmpty() ? "no agent matches\n" : grid(agents.stream().sorted(AgentOrder.AGENTS).toList());
        return summary(cluster, status) + "\n" + rows;
    }

    /** Conditions, agents by phase, the rollout and each step's agents by step phase: bounded whatever the cluster's size. */
    static String summary(String cluster, ClusterStatus status) {
        StringBuilder out = new StringBuilder();
        out.append("calicocluster/").append(cluster).append("  spec revision ").append(status.appliedGeneration())
                .append(" in force, observed ").append(status.observedGeneration()).append("\n\n");
        List<List<String>> conditions = new ArrayList<>();
        conditions.add(List.of("CONDITION", "STATUS", "REASON", "MESSAGE"));
        for (Condition c : status.conditions()) {
            conditions.add(List.of(c.type(), c.status(), c.reason(), c.message()));
        }
        out.append(table(conditions)).append('\n');
        out.append("agents: ").append(StatusSummary.agents(status)).append(counts(status.agentCounts())).append('\n');
        out.append("rollout: ").append(rollout(status.rollout())).append("\n\n");
        return out.append(steps(status.steps())).toString();
    }

    /** One line for {@code status --wait}: counts by phase, in a stable order. */
    public static String progress(ClusterStatus status) {
        Map<AgentPhase, Integer> counts = status.agentCounts();
        String phases = counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase()).collect(Collectors.joining(", "));
        return "revision " + status.appliedGeneration() + ": " + counts.getOrDefault(AgentPhase.READY, 0) + "/" + StatusSummary.agents(status)
                + " agents ready" + (phases.isEmpty() ? "" : " (" + phases + ")")
                + ", restarts in flight " + status.rollout().grantsInFlight()
                + (status.rollout().canaryAgents().isEmpty() ? "" : ", canary wave of " + status.rollout().canaryAgents().size());
    }

    private static String counts(Map<AgentPhase, Integer> counts) {
        String phases = AgentOrder.URGENCY.stream().filter(p -> counts.getOrDefault(p, 0) > 0)
                .map(p -> counts.get(p) + " " + p.name().toLowerCase()).collect(Collectors.joining(", "));
        return phases.isEmpty() ? "" : " (" + phases + ")";
    }

    private static String rollout(RolloutStatus rollout) {
        List<String> parts = new ArrayList<>();
        parts.add(rollout.grantsInFlight() + (rollout.grantsInFlight() == 1 ? " restart" : " restarts") + " in flight");
        if (rollout.paused()) {
            parts.add("paused");
        }
        if (rollout.halted()) {
            parts.add("halted" + (rollout.haltedSince() == null ? "" : " since " + rollout.haltedSince()));
        }
        if (!rollout.acceptedFailures().isEmpty()) {
            parts.add(rollout.acceptedFailures().size() + " failed agents accepted by a resume");
        }
        if (!rollout.canaryAgents().isEmpty()) {
            parts.add("canary wave of " + rollout.canaryAgents().size() + " first (" + rollout.canaryAgents().stream().sorted().limit(5)
                    .collect(Collectors.joining(", ")) + (rollout.canaryAgents().size() > 5 ? ", …" : "") + "); the others wait");
        }
        return String.join(", ", parts);
    }

    /** Each step's agents by step phase; a column only for the step phases some agent is in. */
    private static String steps(Map<StepName, Map<StepPhase, Integer>> steps) {
        List<StepPhase> used = Arrays.stream(StepPhase.values())
                .filter(p -> steps.values().stream().anyMatch(counts -> counts.getOrDefault(p, 0) > 0)).toList();
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("STEP"));
        used.forEach(p -> header.add(p.name()));
        rows.add(header);
        for (StepName step : StepName.values()) {
            List<String> row = new ArrayList<>(List.of(step.id()));
            Map<StepPhase, Integer> counts = steps.getOrDefault(step, Map.of());
            used.forEach(p -> row.add(counts.containsKey(p) ? String.valueOf(counts.get(p)) : "-"));
            rows.add(row);
        }
        return table(rows);
    }

    /** The agent × step grid, in the order given. */
    private static String grid(List<AgentStatus> agents) {
        List<List<String>> grid = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("AGENT", "HOST", "PHASE"));
        for (StepName step : StepName.values()) {
            header.add(step.id());
        }
        header.add("MESSAGE");
        grid.add(header);
        for (AgentStatus agent : agents) {
            List<String> row = new ArrayList<>(List.of(agent.agentId(), agent.hostname(), agent.phase().name()));
            for (StepName step : StepName.values()) {
                StepCell cell = agent.steps().get(step);
                row.add(cell == null ? "-" : cell.phase().name());
            }
            row.add(agent.message() == null ? "" : agent.message());
            grid.add(row);
        }
        return table(grid);
    }

    private static String table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                out.append(i == columns - 1 ? row.get(i) : String.format("%-" + (width[i] + 2) + "s", row.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
