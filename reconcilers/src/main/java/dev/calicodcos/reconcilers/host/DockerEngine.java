package dev.calicodcos.reconcilers.host;

import java.util.Optional;

/** The agent's Docker engine. Every method throws {@link StepFailure} with reason {@code DockerNotRunning} when it does not answer. */
public interface DockerEngine {
    DockerInfo info();

    Optional<ContainerState> inspect(String name);

    /** Pulls the image when it is not present locally. */
    void ensureImage(String image);

    /** Creates and starts a container; returns its id. */
    String run(ContainerSpec spec);

    void start(String id);

    /** Removes a container, running or not; nothing when it is gone already. */
    void remove(String id);
}
