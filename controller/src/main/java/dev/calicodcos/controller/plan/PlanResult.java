package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the leader should write: the spec in force the plans reference, the plans (all of them; the
 * writer skips unchanged ones), plans to delete, and the status.
 */
public record PlanResult(Optional<SpecInForce> specInForce, Map<String, AgentPlan> plans, Set<String> deletePlans, ClusterStatus status) {
    public PlanResult {
        plans = Map.copyOf(plans);
        deletePlans = Set.copyOf(deletePlans);
    }
}
