package dev.calicodcos.sim.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A "container" of the Docker fake: configuration kept as sent (the restart policy changes with
 * {@code update}), state changed by API calls, daemon restarts and, for a crash-looping image, the clock.
 */
final class DockerContainer {
    final String id;
    String name;
    final String imageRef;        // Config.Image: the image as the create named it
    final KnownImage image;       // what it resolved to (Image: its ID)
    final ObjectNode config;      // the create body minus HostConfig
    final ObjectNode hostConfig;
    final Instant created;
    String status = "created";    // created | running | restarting | exited
    Instant startedAt;
    Instant finishedAt;
    int exitCode;
    int restartCount;
    boolean stoppedByUser;
    boolean stoppedByDaemon;
    /** A crash loop: restarts done since its last start, how many the policy still allows, and when the next one is due. */
    int loopRestarts;
    int loopLimit;
    Instant nextRestartAt;

    DockerContainer(String id, String name, String imageRef, KnownImage image, ObjectNode config, ObjectNode hostConfig,
                    Instant created) {
        this.id = id;
        this.name = name;
        this.imageRef = imageRef;
        this.image = image;
        this.config = config;
        this.hostConfig = hostConfig;
        this.created = created;
    }

    /** Docker's {@code State.Running}: true while restarting too (moby {@code container/state.go SetRestarting}). */
    boolean running() {
        return status.equals("running") || restarting();
    }

    boolean restarting() {
        return status.equals("restarting");
    }

    String restartPolicy() {
        return hostConfig.path("RestartPolicy").path("Name").asText("no");
    }

    /** Whether a (re)starting daemon brings this container back up. */
    boolean startsWithDaemon(boolean wasRunning) {
        return switch (restartPolicy()) {
            case "always" -> !stoppedByUser;
            case "unless-stopped", "on-failure" -> wasRunning && !stoppedByUser;
            default -> false;
        };
    }

    /** How many times the restart manager restarts a container that keeps exiting with status 1. */
    int restartsAllowed() {
        return switch (restartPolicy()) {
            case "always", "unless-stopped" -> Integer.MAX_VALUE;
            case "on-failure" -> {
                int max = hostConfig.path("RestartPolicy").path("MaximumRetryCount").asInt(0);
                yield max > 0 ? Math.max(0, max - restartCount) : Integer.MAX_VALUE;
            }
            default -> 0;
        };
    }
}
