package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.agent.AgentFacts;
import java.util.List;
import java.util.Optional;

/**
 * What the node agent learnt about its host before any step.
 *
 * @param blockers  conditions that stop every step (e.g. a DC/OS with its own Calico)
 * @param ipProblem why detect_ip gave no IP, when it did not
 */
public record PreflightResult(AgentFacts facts, List<String> blockers, Optional<String> ipProblem) {
    public PreflightResult {
        blockers = List.copyOf(blockers);
    }
}
