package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a planning round changed: the plans and rows it may have changed (the writer skips the ones
 * etcd already holds), the plans and rows to delete, and the status document. A full round lists
 * every agent; an incremental one only the agents it touched, so the writer's work follows the change.
 *
 * @param specInForce   the spec the plans reference, when the round may have changed it
 * @param summary       the status document, without rows
 * @param plannedAgents every agent with a plan after the round: the ones that must run a node agent
 */
public record PlanDelta(Optional<SpecInForce> specInForce, Map<String, AgentPlan> plans, Set<String> deletePlans,
                        Map<String, AgentStatus> rows, Set<String> deleteRows, ClusterStatus summary, Set<String> plannedAgents) {
    public PlanDelta {
        plans = Map.copyOf(plans);
        deletePlans = Set.copyOf(deletePlans);
        rows = Map.copyOf(rows);
        deleteRows = Set.copyOf(deleteRows);
        summary = summary.withoutAgents();
        plannedAgents = Set.copyOf(plannedAgents);
    }

    /** The same delta with another status document. */
    public PlanDelta withSummary(ClusterStatus status) {
        return new PlanDelta(specInForce, plans, deletePlans, rows, deleteRows, status, plannedAgents);
    }

    /** A full round's result as a delta: every plan and row, and the rows of {@code rowsBefore} it no longer keeps. */
    public static PlanDelta of(PlanResult full, Set<String> rowsBefore) {
        Map<String, AgentStatus> rows = full.status().agents();
        Set<String> gone = new HashSet<>(rowsBefore);
        gone.removeAll(rows.keySet());
        return new PlanDelta(full.specInForce(), full.plans(), full.deletePlans(), rows, gone, full.status(), full.plans().keySet());
    }
}
