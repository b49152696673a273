package dev.calicodcos.model.agent;

/** Where one step stands on one agent. */
public enum StepPhase {
    /** Not started: an earlier step is not done yet, or the plan is paused. */
    PENDING,
    /** Changing the host (files, containers, processes). */
    APPLYING,
    /** Must restart docker or the Mesos agent and waits for the leader's grant. */
    AWAITING_RESTART,
    /** Restarted with a grant; waiting for the service to be active and stable. */
    RESTARTING,
    /** Observed state equals desired state. */
    DONE,
    /**
     * Could not converge; the reason and message say why. Retried soon, with backoff, when waiting can
     * fix it ({@link StepReason#retryable()}); otherwise looked at again only slowly.
     */
    FAILED,
    /** Cannot exist on this agent (e.g. Docker ≥ 23 has no cluster store); nothing touched. */
    UNSUPPORTED,
    /** Disabled in the spec and absent from the host. */
    REMOVED,
    /** A pre-flight condition (e.g. DC/OS ships its own Calico) stops every step. */
    BLOCKED;

    /** Counts as converged for the step order and for Ready. */
    public boolean settled() {
        return this == DONE || this == UNSUPPORTED || this == REMOVED;
    }
}
