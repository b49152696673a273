package dev.calicodcos.model.spec;

import java.time.Duration;

/**
 * @param maxConcurrentRestarts the disruption budget: most agents inside a disruptive action at once
 *                              (a service restart or a Calico container replacement), failed ones included
 * @param canary                the first wave of a new spec
 * @param drain                 whether a restart that stops tasks first drains them through the Mesos maintenance schedule
 */
public record Rollout(
        int maxConcurrentRestarts,
        int maxFailedAgents,
        Duration restartTimeout,
        Duration stabilityPeriod,
        boolean paused,
        Canary canary,
        Drain drain) {

    public Rollout {
        canary = canary == null ? Canary.NONE : canary;
        drain = drain == null ? Drain.OFF : drain;
    }

    public Rollout withPaused(boolean value) {
        return new Rollout(maxConcurrentRestarts, maxFailedAgents, restartTimeout, stabilityPeriod, value, canary, drain);
    }

    /**
     * {@code spec.rollout.drain}: before a restart that stops tasks (Docker without live-restore, the
     * Mesos agent), the agent's machine is put in the Mesos maintenance schedule and the restart waits
     * up to {@code timeout} for the other frameworks to move their tasks away (less once none is left).
     */
    public record Drain(boolean enabled, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
        /** What a spec without {@code drain} means. */
        public static final Drain OFF = new Drain(false, DEFAULT_TIMEOUT);

        public Drain {
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        /** How long the machine stays in the schedule: the drain, the restart and its stability period. */
        public Duration window(Rollout rollout) {
            return timeout.plus(rollout.restartTimeout()).plus(rollout.stabilityPeriod());
        }
    }
}
