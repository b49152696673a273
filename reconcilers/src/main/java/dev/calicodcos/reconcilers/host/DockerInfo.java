package dev.calicodcos.reconcilers.host;

import java.util.Optional;

/** What {@code docker info} says that the steps care about. */
public record DockerInfo(String serverVersion, Optional<String> clusterStore, Optional<String> clusterAdvertise) {}
