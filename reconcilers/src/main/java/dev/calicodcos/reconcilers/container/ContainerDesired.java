package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.spec.Resources;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Calico container as rendered from the spec, before host paths are resolved under the host root.
 *
 * @param binds host path (absolute on the agent) to container path
 */
public record ContainerDesired(String name, String image, Map<String, String> env, Map<String, String> binds,
                               boolean privileged, Optional<Resources> limits, String hash) {
    public ContainerDesired {
        env = new TreeMap<>(env);
        binds = new TreeMap<>(binds);
    }
}
