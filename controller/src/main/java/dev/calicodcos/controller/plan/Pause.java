package dev.calicodcos.controller.plan;

import dev.calicodcos.model.spec.Canary;
import java.util.Optional;
import java.util.Set;

/**
 * Why no new step or grant starts: the user's {@code calico-dcos pause}, the spec's
 * {@code rollout.paused}, or a canary selector that matches none of the selected agents (going ahead
 * without the wave would roll the change to every agent at once).
 */
record Pause(boolean byUser, boolean bySpec, Optional<Canary.Selector> unmatchedCanary) {
    static final Pause NONE = new Pause(false, false, Optional.empty());

    /** @param canaries the wave {@link RolloutOrder#canaries} drew from the {@code selected} agents */
    static Pause of(PlanInput in, Set<String> canaries, int selected) {
        Canary canary = in.cluster().spec().rollout().canary();
        return new Pause(in.control().paused(), in.cluster().spec().rollout().paused(),
                RolloutOrder.unmatched(canary, canaries, selected) ? canary.selector() : Optional.empty());
    }

    boolean paused() {
        return byUser || bySpec || unmatchedCanary.isPresent();
    }

    String reason() {
        return byUser ? "PausedByUser" : bySpec ? "PausedBySpec" : unmatchedCanary.isPresent() ? "CanaryMatchesNoAgent" : "NotPaused";
    }

    String message() {
        if (byUser || bySpec) {
            return "no new steps or restarts start; a restart under way finishes";
        }
        return unmatchedCanary.map(s -> "spec.rollout.canary " + s + " matches none of the selected agents (the controller's own"
                + " agent is never a canary): nothing of this spec starts until it matches one; change the selector or remove it")
                .orElse("");
    }
}
