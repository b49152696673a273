package dev.calicodcos.reconcilers;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.ContainerSpec;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** In-memory {@link DockerEngine} of a given version, for cases a real engine here cannot show (Docker ≥ 23, no engine). */
public final class StubDockerEngine implements DockerEngine {
    private final Optional<String> version;
    private final Map<String, ContainerState> containers = new HashMap<>();
    private int created;

    /** {@code version} empty: the engine is not running. */
    public StubDockerEngine(Optional<String> version) {
        this.version = version;
    }

    @Override
    public DockerInfo info() {
        return new DockerInfo(running(), Optional.empty(), Optional.empty());
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        running();
        return Optional.ofNullable(containers.get(name));
    }

    @Override
    public void ensureImage(String image) {
        running();
    }

    @Override
    public String run(ContainerSpec spec) {
        running();
        String id = "c" + (++created);
        containers.put(spec.name(), new ContainerState(id, spec.image(), "sha256:" + spec.image(), spec.labels(), true, spec));
        return id;
    }

    @Override
    public void start(String id) {
        running();
    }

    @Override
    public void remove(String id) {
        running();
        containers.values().removeIf(c -> c.id().equals(id));
    }

    public int created() {
        return created;
    }

    private String running() {
        return version.orElseThrow(() -> new StepFailure(StepReason.DOCKER_NOT_RUNNING, "docker does not answer"));
    }
}
