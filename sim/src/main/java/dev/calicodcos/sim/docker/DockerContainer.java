package dev.calicodcos.sim.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A "container" of the Docker fake: configuration kept as sent, state changed by API calls and daemon restarts. */
final class DockerContainer {
    final String id;
    final String name;
    final String image;
    final JsonNode config;        // the create body minus HostConfig
    final JsonNode hostConfig;
    final Instant created;
    String status = "created";    // created | running | exited
    Instant startedAt;
    Instant finishedAt;
    int exitCode;
    int restartCount;
    boolean stoppedByUser;
    boolean stoppedByDaemon;

    DockerContainer(String id, String name, String image, JsonNode config, JsonNode hostConfig, Instant created) {
        this.id = id;
        this.name = name;
        this.image = image;
        this.config = config;
        this.hostConfig = hostConfig;
        this.created = created;
    }

    boolean running() {
        return status.equals("running");
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
}
