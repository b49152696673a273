package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.StepCell;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** Derives one agent's status row from its report, its presence in Mesos, and what we knew before. */
final class AgentPhases {
    private AgentPhases() {}

    static AgentStatus derive(String agentId, String hostname, AgentReport report, AgentStatus previous,
                              long specRevision, Instant goneSince) {
        Instant lastReportAt = report != null ? report.updatedAt() : previous != null ? previous.lastReportAt() : null;
        if (report == null) {
            AgentPhase phase = goneSince != null ? AgentPhase.GONE : lastReportAt != null ? AgentPhase.LOST : AgentPhase.PENDING;
            String message = switch (phase) {
                case GONE -> "no longer listed by the Mesos master";
                case LOST -> "its node agent stopped reporting";
                default -> "waiting for its node agent";
            };
            Map<StepName, StepCell> steps = previous == null ? Map.of() : previous.steps();
            return new AgentStatus(agentId, hostname, phase, previous == null ? 0 : previous.specRevision(), steps, message, lastReportAt, goneSince);
        }
        Map<StepName, StepCell> cells = new EnumMap<>(StepName.class);
        report.steps().forEach((step, r) -> cells.put(step, new StepCell(r.phase(), r.desiredHash(), r.message())));
        AgentPhase phase = goneSince != null ? AgentPhase.GONE : phaseOf(report, specRevision);
        return new AgentStatus(agentId, hostname, phase, report.specRevision(), cells, messageOf(report, phase), lastReportAt, goneSince);
    }

    private static AgentPhase phaseOf(AgentReport report, long specRevision) {
        if (!report.blockers().isEmpty()) {
            return AgentPhase.BLOCKED;
        }
        if (any(report, StepPhase.FAILED)) {
            return AgentPhase.FAILED;
        }
        if (any(report, StepPhase.RESTARTING)) {
            return AgentPhase.RESTARTING;
        }
        if (any(report, StepPhase.AWAITING_RESTART)) {
            return AgentPhase.AWAITING_RESTART;
        }
        boolean allSettled = report.steps().size() == StepName.values().length
                && report.steps().values().stream().allMatch(s -> s.phase().settled());
        return allSettled && report.specRevision() == specRevision ? AgentPhase.READY : AgentPhase.PROGRESSING;
    }

    private static boolean any(AgentReport report, StepPhase phase) {
        return report.steps().values().stream().anyMatch(s -> s.phase() == phase);
    }

    private static String messageOf(AgentReport report, AgentPhase phase) {
        if (phase == AgentPhase.BLOCKED) {
            return String.join("; ", report.blockers());
        }
        for (StepName step : StepName.values()) {
            StepReport s = report.steps().get(step);
            if (s != null && !s.phase().settled()) {
                return step.id() + ": " + s.reason().map(r -> r + ": ").orElse("") + s.message();
            }
        }
        return "";
    }
}
