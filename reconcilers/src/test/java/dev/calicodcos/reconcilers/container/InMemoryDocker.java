package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.ContainerSpec;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Docker engine in memory for the container state machine: a registry of known images (any
 * other pull fails as a registry's "not found" does), image ids, containers by name, and a journal
 * of the calls that change containers.
 */
final class InMemoryDocker implements DockerEngine {
    private final Set<String> registry;
    private final Set<String> local = new HashSet<>();
    private final Map<String, ContainerState> containers = new LinkedHashMap<>();
    final List<String> journal = new ArrayList<>();
    private int ids;
    /** Refuse every create, as dockerd refuses a container it cannot start. */
    boolean refuseRuns;

    InMemoryDocker(Set<String> registry) {
        this.registry = Set.copyOf(registry);
    }

    static String imageId(String image) {
        return image.startsWith("sha256:") ? image : "sha256:" + Integer.toHexString(image.hashCode());
    }

    @Override
    public DockerInfo info() {
        return new DockerInfo("20.10.24", Optional.empty(), Optional.empty());
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        return Optional.ofNullable(containers.get(name));
    }

    @Override
    public void ensureImage(String image) {
        if (local.contains(image)) {
            return;
        }
        if (!registry.contains(image)) {
            throw new StepFailure(StepReason.IMAGE_PULL_FAILED, "cannot pull " + image + ": manifest unknown");
        }
        journal.add("pull " + image);
        local.add(image);
    }

    @Override
    public String run(ContainerSpec spec) {
        if (refuseRuns) {
            throw new StepFailure(StepReason.DOCKER_ERROR, "docker refused the container");
        }
        String imageId = imageId(spec.image());
        if (!local.contains(spec.image()) && local.stream().noneMatch(i -> imageId(i).equals(imageId))) {
            throw new StepFailure(StepReason.DOCKER_ERROR, "No such image: " + spec.image());
        }
        if (containers.containsKey(spec.name())) {
            throw new StepFailure(StepReason.DOCKER_ERROR, "Conflict. The container name is already in use");
        }
        String id = "c" + (++ids);
        ContainerSpec held = new ContainerSpec(spec.name(), imageId, spec.env(), spec.binds(), spec.privileged(), spec.networkMode(),
                spec.restartPolicy(), spec.labels(), spec.limits());
        containers.put(spec.name(), new ContainerState(id, spec.image(), imageId, spec.labels(), true, held));
        journal.add("run " + spec.name() + " " + spec.image());
        return id;
    }

    @Override
    public void start(String id) {
        containers.replaceAll((name, c) -> c.id().equals(id)
                ? new ContainerState(c.id(), c.image(), c.imageId(), c.labels(), true, c.definition()) : c);
        journal.add("start " + id);
    }

    @Override
    public void remove(String id) {
        containers.values().removeIf(c -> c.id().equals(id));
        journal.add("remove " + id);
    }

    /** A container found on the host before the node agent (an image already pulled). */
    void preload(String image) {
        local.add(image);
    }

    void crash(String name) {
        ContainerState c = containers.get(name);
        containers.put(name, new ContainerState(c.id(), c.image(), c.imageId(), c.labels(), false, c.definition()));
    }
}
