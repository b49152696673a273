package dev.calicodcos.model.status;

/** Where one agent stands, as the status page and {@code status} show it. */
public enum AgentPhase {
    /** Selected, no report yet (the node agent is being launched). */
    PENDING,
    /** Steps are being applied. */
    PROGRESSING,
    /** Waits for a restart grant. */
    AWAITING_RESTART,
    /** Restarting docker or the Mesos agent with a grant. */
    RESTARTING,
    /** Every step settled at the current spec. */
    READY,
    /** A step failed; the agent keeps its restart slot. */
    FAILED,
    /** A pre-flight condition stops every step (e.g. DC/OS ships its own Calico). */
    BLOCKED,
    /** Its node agent stopped reporting (lease expired). */
    LOST,
    /** The Mesos master no longer lists it; its plan and slot go after the grace period. */
    GONE
}
