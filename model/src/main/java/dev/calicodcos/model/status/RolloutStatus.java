package dev.calicodcos.model.status;

import java.time.Instant;
import java.util.Set;

/**
 * @param grantsInFlight       agents holding a restart grant (never more than maxConcurrentRestarts)
 * @param halted               more agents failed than maxFailedAgents allows; no new grants
 * @param haltedSince          when the halt began; null when not halted
 * @param acceptedFailures     agents whose failure a resume (or a spec change) accepted; they no longer count towards a halt
 * @param canaryAgents         the canary wave of the spec in force while the other agents wait for it; empty otherwise
 * @param canaryPassedRevision the spec revision whose canary wave passed (0: none yet): later agents are not held again
 */
public record RolloutStatus(int grantsInFlight, boolean paused, boolean halted, Instant haltedSince, Set<String> acceptedFailures,
                            Set<String> canaryAgents, long canaryPassedRevision) {
    public RolloutStatus {
        acceptedFailures = Set.copyOf(acceptedFailures);
        canaryAgents = canaryAgents == null ? Set.of() : Set.copyOf(canaryAgents);
    }

    public RolloutStatus(int grantsInFlight, boolean paused, boolean halted, Instant haltedSince, Set<String> acceptedFailures) {
        this(grantsInFlight, paused, halted, haltedSince, acceptedFailures, Set.of(), 0);
    }

    public static RolloutStatus initial() {
        return new RolloutStatus(0, false, false, null, Set.of());
    }
}
