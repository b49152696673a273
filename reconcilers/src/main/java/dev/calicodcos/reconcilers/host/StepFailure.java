package dev.calicodcos.reconcilers.host;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;

/**
 * Why a step could not converge, with a reason from the closed vocabulary (shown in the report).
 * Adapters turn library and I/O exceptions into this type; the step runner turns it into a FAILED step.
 */
public final class StepFailure extends RuntimeException {
    private final StepReason reason;

    public StepFailure(StepReason reason, String message) {
        this(reason, message, null);
    }

    public StepFailure(StepReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason.requirePhase(StepPhase.FAILED);
    }

    public StepReason reason() {
        return reason;
    }
}
