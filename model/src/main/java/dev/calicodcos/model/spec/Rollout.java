package dev.calicodcos.model.spec;

import java.time.Duration;

/**
 * @param maxConcurrentRestarts the disruption budget: most agents inside a disruptive action at once
 *                              (a service restart or a Calico container replacement), failed ones included
 * @param canary                the first wave of a new spec
 */
public record Rollout(
        int maxConcurrentRestarts,
        int maxFailedAgents,
        Duration restartTimeout,
        Duration stabilityPeriod,
        boolean paused,
        Canary canary) {

    public Rollout {
        canary = canary == null ? Canary.NONE : canary;
    }

    public Rollout withPaused(boolean value) {
        return new Rollout(maxConcurrentRestarts, maxFailedAgents, restartTimeout, stabilityPeriod, value, canary);
    }
}
