package dev.calicodcos.reconcilers.host;

import java.util.Optional;

/**
 * What {@code docker info} says that the steps care about.
 *
 * @param liveRestoreEnabled containers keep running while dockerd restarts ({@code live-restore})
 */
public record DockerInfo(String serverVersion, Optional<String> clusterStore, Optional<String> clusterAdvertise,
                         boolean liveRestoreEnabled) {
    public DockerInfo(String serverVersion, Optional<String> clusterStore, Optional<String> clusterAdvertise) {
        this(serverVersion, clusterStore, clusterAdvertise, false);
    }
}
