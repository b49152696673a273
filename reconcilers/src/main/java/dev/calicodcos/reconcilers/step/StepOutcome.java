package dev.calicodcos.reconcilers.step;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.codec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one pass of a step found and did. The runner stamps it with a time and puts it in the report;
 * the loop decides from the phase when to look again.
 */
public record StepOutcome(StepPhase phase, String desiredHash, Optional<String> observedHash,
                          Optional<StepReason> reason, String message) {

    public StepOutcome {
        reason.ifPresent(r -> r.requirePhase(phase));
    }

    public static StepOutcome done(String desiredHash, String message) {
        return new StepOutcome(StepPhase.DONE, desiredHash, Optional.of(desiredHash), Optional.empty(), message);
    }

    public static StepOutcome applying(String desiredHash, Optional<String> observedHash, String message) {
        return new StepOutcome(StepPhase.APPLYING, desiredHash, observedHash, Optional.empty(), message);
    }

    public static StepOutcome awaitingRestart(String desiredHash, Optional<String> observedHash, String unit) {
        return new StepOutcome(StepPhase.AWAITING_RESTART, desiredHash, observedHash, Optional.of(StepReason.AWAITING_RESTART_GRANT),
                "must restart " + unit + "; waiting for a restart grant at this hash");
    }

    /** Granted, but the grant says not before {@code until}: the other frameworks drain their tasks meanwhile. */
    public static StepOutcome draining(String desiredHash, Optional<String> observedHash, String unit, Instant until, Duration timeout) {
        return new StepOutcome(StepPhase.AWAITING_RESTART, desiredHash, observedHash, Optional.of(StepReason.DRAINING),
                "draining workloads until " + until + " (rollout.drain.timeout " + Durations.format(timeout) + "); then restarts " + unit);
    }

    public static StepOutcome restarting(String desiredHash, String message) {
        return new StepOutcome(StepPhase.RESTARTING, desiredHash, Optional.empty(), Optional.empty(), message);
    }

    public static StepOutcome failed(String desiredHash, Optional<String> observedHash, StepReason reason, String message) {
        return new StepOutcome(StepPhase.FAILED, desiredHash, observedHash, Optional.of(reason), message);
    }

    public static StepOutcome unsupported(String desiredHash, StepReason reason, String message) {
        return new StepOutcome(StepPhase.UNSUPPORTED, desiredHash, Optional.empty(), Optional.of(reason), message);
    }

    public static StepOutcome removed(String desiredHash, String message) {
        return new StepOutcome(StepPhase.REMOVED, desiredHash, Optional.empty(), Optional.empty(), message);
    }

    /** The same outcome, its message led by {@code note} (what happened before it came to this). */
    public StepOutcome withNote(String note) {
        return new StepOutcome(phase, desiredHash, observedHash, reason, note + "; " + message);
    }

    public static StepOutcome pending(String desiredHash, String message) {
        return new StepOutcome(StepPhase.PENDING, desiredHash, Optional.empty(), Optional.empty(), message);
    }
}
