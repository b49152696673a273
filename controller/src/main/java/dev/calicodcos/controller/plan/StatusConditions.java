package dev.calicodcos.controller.plan;

import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The kstatus conditions, from the agent counts and the rollout state; transition times carried over. */
final class StatusConditions {
    /** Ready's reason once an uninstall is over: every step removed from every selected agent, the node agents ended. */
    static final String UNINSTALLED = "Uninstalled";

    private StatusConditions() {}

    /**
     * @param uninstalling the spec says uninstall: Ready means "everything removed"
     * @param uninstalled  the uninstall is over
     */
    record Facts(int selected, Map<AgentPhase, Integer> counts, Pause pause, boolean halted,
                 int maxFailed, Optional<List<String>> invalidSpec, boolean uninstalling, boolean uninstalled) {
        boolean paused() {
            return pause.paused();
        }

        int count(AgentPhase phase) {
            return counts.getOrDefault(phase, 0);
        }
    }

    static List<Condition> of(Facts f, ClusterStatus previous, Instant now) {
        int ready = f.count(AgentPhase.READY);
        int failed = f.count(AgentPhase.FAILED);
        int troubled = failed + f.count(AgentPhase.BLOCKED) + f.count(AgentPhase.LOST);
        boolean converged = f.uninstalled || ready == f.selected && f.invalidSpec.isEmpty();
        List<Condition> out = new ArrayList<>();
        out.add(condition(previous, now, Condition.READY, converged,
                f.uninstalled ? UNINSTALLED : converged ? "Converged" : f.invalidSpec.isPresent() ? "InvalidSpec" : "NotConverged",
                f.uninstalled ? "Calico was removed from every selected agent; the node agents are ended"
                        : f.uninstalling ? ready + "/" + f.selected + " agents have removed every step"
                        : ready + "/" + f.selected + " agents ready"));
        boolean progressing = !converged && !f.halted && !f.paused() && ready + troubled < f.selected;
        out.add(condition(previous, now, Condition.PROGRESSING, progressing,
                progressing ? (f.uninstalling ? "Uninstalling" : "RollingOut")
                        : f.uninstalled ? UNINSTALLED : converged ? "Converged" : f.halted ? "RolloutHalted" : f.paused() ? "Paused" : "Waiting",
                (f.selected - ready - troubled) + " agents converging"));
        String degradedReason = f.halted ? "RolloutHalted"
                : failed > 0 ? "AgentsFailed"
                : f.count(AgentPhase.BLOCKED) > 0 ? "AgentsBlocked"
                : f.count(AgentPhase.LOST) > 0 ? "AgentsLost" : "AsExpected";
        String degradedMessage = f.halted
                ? failed + " agents failed, more than maxFailedAgents=" + f.maxFailed + "; no new restarts until the spec changes or `calico-dcos resume`"
                : failed + " failed, " + f.count(AgentPhase.BLOCKED) + " blocked, " + f.count(AgentPhase.LOST) + " lost";
        out.add(condition(previous, now, Condition.DEGRADED, f.halted || troubled > 0, degradedReason, degradedMessage));
        out.add(condition(previous, now, Condition.PAUSED, f.paused(), f.pause.reason(), f.pause.message()));
        out.add(condition(previous, now, Condition.INVALID_SPEC, f.invalidSpec.isPresent(),
                f.invalidSpec.isPresent() ? "ValidationFailed" : "Valid",
                f.invalidSpec.map(p -> "the newest spec is invalid, the last valid one stays in force: " + String.join("; ", p)).orElse("")));
        return out;
    }

    private static Condition condition(ClusterStatus previous, Instant now, String type, boolean value, String reason, String message) {
        String status = value ? "True" : "False";
        Instant since = previous.condition(type).filter(c -> c.status().equals(status)).map(Condition::lastTransitionTime).orElse(now);
        return new Condition(type, status, reason, message, since);
    }
}
