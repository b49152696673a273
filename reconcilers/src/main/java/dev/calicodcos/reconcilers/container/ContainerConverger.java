package dev.calicodcos.reconcilers.container;

import dev.calicodcos.reconcilers.host.ContainerSpec;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.StepOutcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Makes one named container match its rendered config. The rendered hash is a label on the
 * container: an equal label means "leave it alone" (start it if it stopped), a different one means
 * remove and create again. Never "remove and run" on every pass: that drops BGP sessions.
 */
public final class ContainerConverger {
    public static final String HASH_LABEL = "dev.calicodcos.config-hash";
    public static final String MANAGED_LABEL = "dev.calicodcos.managed";

    private final DockerEngine docker;
    private final HostFiles files;

    public ContainerConverger(DockerEngine docker, HostFiles files) {
        this.docker = docker;
        this.files = files;
    }

    public StepOutcome converge(ContainerDesired desired) {
        Optional<ContainerState> current = docker.inspect(desired.name());
        Optional<String> observed = current.map(c -> c.labels().getOrDefault(HASH_LABEL, "unlabelled"));
        if (current.isPresent() && observed.get().equals(desired.hash())) {
            if (!current.get().running()) {
                docker.start(current.get().id());
            }
            return running(desired, "container " + desired.name() + " runs the desired config");
        }
        current.ifPresent(c -> docker.remove(c.id()));
        docker.ensureImage(desired.image());
        docker.run(toSpec(desired));
        return running(desired, "container " + desired.name() + (current.isPresent() ? " recreated" : " created"));
    }

    private StepOutcome running(ContainerDesired desired, String message) {
        Optional<ContainerState> now = docker.inspect(desired.name());
        if (now.isPresent() && now.get().running()) {
            return StepOutcome.done(desired.hash(), message);
        }
        return StepOutcome.applying(desired.hash(), Optional.of(desired.hash()),
                "container " + desired.name() + " is not running (docker restarts it; see docker logs " + desired.name() + ")");
    }

    public StepOutcome remove(String name, String stepId) {
        String hash = DesiredHash.of(Map.of("step", stepId, "removed", true));
        docker.inspect(name)
                .filter(c -> c.labels().containsKey(MANAGED_LABEL))
                .ifPresent(c -> docker.remove(c.id()));
        return StepOutcome.removed(hash, "container " + name + " removed");
    }

    private ContainerSpec toSpec(ContainerDesired desired) {
        Map<String, String> binds = new LinkedHashMap<>();
        desired.binds().forEach((host, container) -> binds.put(files.resolve(host).toString(), container));
        Map<String, String> labels = Map.of(HASH_LABEL, desired.hash(), MANAGED_LABEL, "true");
        return new ContainerSpec(desired.name(), desired.image(), desired.env(), binds, desired.privileged(), desired.networkMode(),
                desired.restartPolicy(), labels, desired.limits());
    }
}
