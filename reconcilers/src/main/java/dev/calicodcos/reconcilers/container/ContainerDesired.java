package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.spec.Resources;
import dev.calicodcos.reconcilers.step.DesiredHash;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Calico container as rendered from the spec, before host paths are resolved under the host root.
 *
 * @param binds         host path (absolute on the agent) to container path
 * @param networkMode   {@code host} for both Calico containers
 * @param restartPolicy {@code always}: Docker keeps them up across its own restarts and without us
 * @param limits        CPU and memory limits, only when the spec asks for them
 */
public record ContainerDesired(String name, String image, Map<String, String> env, Map<String, String> binds,
                               boolean privileged, String networkMode, String restartPolicy, Optional<Resources> limits) {
    public static final String HOST_NETWORK = "host";
    public static final String RESTART_ALWAYS = "always";

    public ContainerDesired {
        env = new TreeMap<>(env);
        binds = new TreeMap<>(binds);
    }

    /** SHA-256 of everything above: an equal hash label on the running container means "leave it alone". */
    public String hash() {
        Map<String, Object> hashed = new LinkedHashMap<>();
        hashed.put("image", image);
        hashed.put("env", env);
        hashed.put("binds", binds);
        hashed.put("privileged", privileged);
        hashed.put("networkMode", networkMode);
        hashed.put("restartPolicy", restartPolicy);
        limits.ifPresent(l -> hashed.put("limits", l));
        return DesiredHash.of(hashed);
    }
}
