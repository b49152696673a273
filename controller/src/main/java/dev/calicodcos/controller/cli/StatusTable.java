package dev.calicodcos.controller.cli;

import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.StepCell;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a status as the text tables {@code calico-dcos status} prints (and the demo's progress line). Pure. */
public final class StatusTable {
    private StatusTable() {}

    static String render(String cluster, ClusterStatus status) {
        StringBuilder out = new StringBuilder();
        out.append("calicocluster/").append(cluster).append("  spec revision ").append(status.appliedGeneration())
                .append(" in force, observed ").append(status.observedGeneration())
                .append(", restarts in flight ").append(status.rollout().grantsInFlight()).append("\n\n");
        List<List<String>> conditions = new ArrayList<>();
        conditions.add(List.of("CONDITION", "STATUS", "REASON", "MESSAGE"));
        for (Condition c : status.conditions()) {
            conditions.add(List.of(c.type(), c.status(), c.reason(), c.message()));
        }
        out.append(table(conditions)).append('\n');
        List<List<String>> grid = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("AGENT", "HOST", "PHASE"));
        for (StepName step : StepName.values()) {
            header.add(step.id());
        }
        header.add("MESSAGE");
        grid.add(header);
        for (AgentStatus agent : status.agents().values()) {
            List<String> row = new ArrayList<>(List.of(agent.agentId(), agent.hostname(), agent.phase().name()));
            for (StepName step : StepName.values()) {
                StepCell cell = agent.steps().get(step);
                row.add(cell == null ? "-" : cell.phase().name());
            }
            row.add(agent.message() == null ? "" : agent.message());
            grid.add(row);
        }
        return out.append(table(grid)).toString();
    }

    /** One line for {@code status --wait}: counts by phase, in a stable order. */
    public static String progress(ClusterStatus status) {
        Map<AgentPhase, Integer> counts = status.agentCounts();
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        String phases = counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase()).collect(Collectors.joining(", "));
        return "revision " + status.appliedGeneration() + ": " + counts.getOrDefault(AgentPhase.READY, 0) + "/" + total
                + " agents ready" + (phases.isEmpty() ? "" : " (" + phases + ")")
                + ", restarts in flight " + status.rollout().grantsInFlight();
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
