package dev.calicodcos.model.spec;

import java.time.Duration;

public record Rollout(
        int maxConcurrentRestarts,
        int maxFailedAgents,
        Duration restartTimeout,
        Duration stabilityPeriod,
        boolean paused) {

    public Rollout withPaused(boolean value) {
        return new Rollout(maxConcurrentRestarts, maxFailedAgents, restartTimeout, stabilityPeriod, value);
    }
}
