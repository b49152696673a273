package dev.calicodcos.model.spec;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** @param resources CPU and memory limits of the container; none unless given (Felix was never capped) */
public record NodeStep(
        boolean enabled,
        String image,
        boolean privileged,
        boolean ignoreLooseRpf,
        String ipDetection,
        Map<String, String> env,
        Optional<Resources> resources) implements StepSection {

    /** Set by the step itself; a user value would silently fight the rendered one. */
    public static final Set<String> MANAGED_ENV = Set.of(
            "ETCD_ENDPOINTS", "ETCD_CA_CERT_FILE", "ETCD_CERT_FILE", "ETCD_KEY_FILE", "ETCD_SCHEME", "ETCD_AUTHORITY",
            "NODENAME", "HOSTNAME", "IP", "IP_AUTODETECTION_METHOD", "FELIX_IGNORELOOSERPF", "CALICO_LIBNETWORK_ENABLED");

    public static final String DCOS_DETECT_IP = "dcos-detect-ip";

    public NodeStep {
        env = Map.copyOf(env);
    }
}
