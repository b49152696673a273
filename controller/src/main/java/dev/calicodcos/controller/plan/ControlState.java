package dev.calicodcos.controller.plan;

import java.time.Instant;

/**
 * What {@code calico-dcos pause} and {@code resume} write at {@code clusters/<name>/control}, so the
 * stored spec stays exactly what the user (or their Git repository) wrote.
 *
 * @param resumedAt the last resume; failures before it no longer halt the rollout (null: never)
 */
public record ControlState(boolean paused, Instant resumedAt) {
    public static ControlState none() {
        return new ControlState(false, null);
    }
}
