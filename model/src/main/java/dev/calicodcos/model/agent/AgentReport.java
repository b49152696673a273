package dev.calicodcos.model.agent;

import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one node agent reports at {@code clusters/<name>/reports/<agentId>}, under its etcd
 * lease so that the key disappears (and the agent shows as lost) when the node agent dies.
 *
 * @param specRevision  the plan's spec revision the steps were last run against
 * @param blockers      pre-flight conditions that stop every step, empty when none
 */
public record AgentReport(
        String agentId,
        String nodeAgentVersion,
        long specRevision,
        AgentFacts facts,
        List<String> blockers,
        Map<StepName, StepReport> steps,
        Instant updatedAt) {

    public AgentReport {
        blockers = List.copyOf(blockers);
        steps = Map.copyOf(steps);
    }
}
