package dev.calicodcos.controller.http;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.RolloutStatus;
import dev.calicodcos.model.status.StepCell;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Agent rows and statuses for the listing tests. */
final class Rows {
    private Rows() {}

    /** An agent in {@code phase} whose {@code cni} step is in {@code cni} and every other step DONE. */
    static AgentStatus row(String id, AgentPhase phase, StepPhase cni) {
        Map<StepName, StepCell> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            steps.put(step, new StepCell(step == StepName.CNI ? cni : StepPhase.DONE, "0123456789abcdef", ""));
        }
        return new AgentStatus(id, "host-" + id, phase, 7, steps, phase == AgentPhase.FAILED ? "cni: ChecksumMismatch" : "", null, null);
    }

    static AgentStatus row(String id, AgentPhase phase) {
        return row(id, phase, phase == AgentPhase.READY ? StepPhase.DONE : StepPhase.APPLYING);
    }

    static ClusterStatus status(Collection<AgentStatus> rows) {
        Map<String, AgentStatus> byId = new HashMap<>();
        Map<AgentPhase, Integer> counts = new EnumMap<>(AgentPhase.class);
        for (AgentStatus row : rows) {
            byId.put(row.agentId(), row);
            counts.merge(row.phase(), 1, Integer::sum);
        }
        return new ClusterStatus(7, 7, List.of(), counts, Map.of(), new RolloutStatus(0, false, false, null, Set.of()), byId, List.of(),
                null);
    }
}
