package dev.calicodcos.model.status;

import java.time.Instant;
import java.util.Set;

/**
 * @param grantsInFlight     agents holding a restart grant (never more than maxConcurrentRestarts)
 * @param halted             more agents failed than maxFailedAgents allows; no new grants
 * @param haltedSince        when the halt began; null when not halted
 * @param acceptedFailures   agents whose failure a resume (or a spec change) accepted; they no longer count towards a halt
 */
public record RolloutStatus(int grantsInFlight, boolean paused, boolean halted, Instant haltedSince, Set<String> acceptedFailures) {
    public RolloutStatus {
        acceptedFailures = Set.copyOf(acceptedFailures);
    }

    public static RolloutStatus initial() {
        return new RolloutStatus(0, false, false, null, Set.of());
    }
}
