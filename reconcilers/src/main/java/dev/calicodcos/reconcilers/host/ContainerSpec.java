package dev.calicodcos.reconcilers.host;

import dev.calicodcos.model.spec.Resources;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A long-running Calico container as we run it: created and started detached (as {@code docker run -d}).
 *
 * @param binds         host path to container path, read-write
 * @param networkMode   Docker's network mode, e.g. {@code host}
 * @param restartPolicy Docker's restart policy name, e.g. {@code always}
 * @param limits        CPU and memory limits; none when empty
 */
public record ContainerSpec(String name, String image, Map<String, String> env, Map<String, String> binds,
                            boolean privileged, String networkMode, String restartPolicy, Map<String, String> labels,
                            Optional<Resources> limits) {
    public ContainerSpec {
        env = Map.copyOf(env);
        binds = Map.copyOf(binds);
        labels = Map.copyOf(labels);
    }

    /** {@code KEY=value} lines, sorted, as Docker takes them. */
    public List<String> envList() {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
    }
}
