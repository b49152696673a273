package dev.calicodcos.reconcilers.step;

import dev.calicodcos.model.spec.StepName;
import java.util.Optional;

/**
 * One of the five steps. Each implementation also has a pure {@code render(spec, facts)} giving its
 * desired state and hash; {@link #reconcile} observes the host, changes only what differs and
 * returns at once (no sleeping: waiting is an outcome, the loop owns timing). Both methods are
 * idempotent and resumable after a crash at any point. Steps throw {@code StepFailure} for
 * expected problems; the runner reports them.
 */
public interface StepReconciler {
    StepName name();

    /** The step is enabled: converge the host on the rendered desired state. */
    StepOutcome reconcile(StepContext context);

    /** The step is disabled or Calico is uninstalled: leave the host as it was before the step. */
    StepOutcome remove(StepContext context);

    /**
     * The desired hash of a disruptive change of this step's own (not a service restart, which
     * {@link RestartGate} tracks) under way on the host, if one is: a paused plan still lets it
     * finish, and the report names that hash while it goes on.
     */
    default Optional<String> changeUnderWayAt() {
        return Optional.empty();
    }
}
