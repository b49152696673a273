package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import java.util.List;
import java.util.Optional;

/**
 * What the node agent learnt about its host before any step.
 *
 * @param blockers  conditions that stop every step (e.g. a DC/OS with its own Calico)
 * @param ipProblem why detect_ip gave no IP, when it did not
 */
public record PreflightResult(AgentFacts facts, List<Blocker> blockers, Optional<String> ipProblem) {
    public PreflightResult {
        blockers = List.copyOf(blockers);
    }

    /** A condition that stops every step; {@link #text()} is what the report's {@code blockers} list says. */
    public record Blocker(StepReason reason, String message) {
        public Blocker {
            reason.requirePhase(StepPhase.BLOCKED);
        }

        public String text() {
            return reason.token() + ": " + message;
        }
    }
}
