package dev.calicodcos.model.agent;

import dev.calicodcos.model.spec.CalicoClusterSpec;
import java.util.Objects;
import java.util.Optional;

/** A plan with the spec it references (its {@code specRevision}): what a node agent runs. Never stored. */
public record ResolvedPlan(AgentPlan plan, CalicoClusterSpec spec) {
    public ResolvedPlan {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(spec, "spec");
    }

    public ResolvedPlan withRestartGrant(Optional<RestartGrant> grant) {
        return new ResolvedPlan(plan.withRestartGrant(grant), spec);
    }
}
