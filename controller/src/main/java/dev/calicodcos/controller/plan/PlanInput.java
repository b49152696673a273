package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.status.ClusterStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner reads: the whole world, every time.
 *
 * @param cluster          the last valid spec (the one in force)
 * @param specRevision     its etcd mod revision
 * @param observedRevision the newest spec revision seen, valid or not
 * @param invalidSpec      the problems of the newest spec when it is invalid
 * @param previous         the status written last time (transitions, lost agents, halts, events)
 * @param storedSpec       the spec in force as stored (the one the plans reference until this round)
 * @param goneGracePeriod  how long an agent the master no longer lists keeps its plan and slot
 */
public record PlanInput(
        CalicoCluster cluster,
        long specRevision,
        long observedRevision,
        Optional<List<String>> invalidSpec,
        List<AgentView> agents,
        Map<String, AgentReport> reports,
        Map<String, AgentPlan> plans,
        ControlState control,
        ClusterStatus previous,
        Optional<SpecInForce> storedSpec,
        Instant now,
        Duration goneGracePeriod) {

    public PlanInput {
        agents = List.copyOf(agents);
        reports = Map.copyOf(reports);
        plans = Map.copyOf(plans);
    }
}
