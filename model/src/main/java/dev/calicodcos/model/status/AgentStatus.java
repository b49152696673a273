package dev.calicodcos.model.status;

import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.Map;

/**
 * @param lastReportAt when its node agent last wrote a report; null before the first one
 * @param goneSince    when the master stopped listing it; null while it is listed
 */
public record AgentStatus(
        String agentId,
        String hostname,
        AgentPhase phase,
        long specRevision,
        Map<StepName, StepCell> steps,
        String message,
        Instant lastReportAt,
        Instant goneSince) {

    public AgentStatus {
        steps = Map.copyOf(steps);
    }
}
