package dev.calicodcos.reconcilers.host;

/**
 * Why a step could not converge, with a machine-readable reason (shown in the report). Adapters
 * turn library and I/O exceptions into this type; the step runner turns it into a FAILED step.
 */
public final class StepFailure extends RuntimeException {
    private final String reason;

    public StepFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public StepFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short UpperCamelCase token, e.g. {@code DaemonJsonInvalid}. */
    public String reason() {
        return reason;
    }
}
