package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The five per-agent steps, in the order they run (and the reverse order they are removed). */
public enum StepName {
    ETCD_PROXY("etcdProxy"),
    DOCKER_CLUSTER_STORE("dockerClusterStore"),
    CNI("cni"),
    LIBNETWORK("libnetwork"),
    NODE("node");

    private final String id;

    StepName(String id) {
        this.id = id;
    }

    /** The name used in the spec, in etcd and on the wire. */
    @JsonValue
    public String id() {
        return id;
    }

    public static Optional<StepName> fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
