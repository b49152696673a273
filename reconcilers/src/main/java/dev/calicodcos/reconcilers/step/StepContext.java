package dev.calicodcos.reconcilers.step;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import java.util.Optional;

/**
 * The inputs of one pass of one step: the plan (restart grant), the spec it references, and this
 * agent's facts.
 *
 * @param ipProblem why {@code detect_ip} gave no IP, when it did not
 */
public record StepContext(ResolvedPlan resolved, AgentFacts facts, Optional<String> ipProblem) {
    public AgentPlan plan() {
        return resolved.plan();
    }

    public CalicoClusterSpec spec() {
        return resolved.spec();
    }
}
