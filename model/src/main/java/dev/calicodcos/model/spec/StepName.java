package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/** The five per-agent steps, in the order they run (and the reverse order they are removed). */
public enum StepName {
    ETCD_PROXY("etcdProxy", CalicoClusterSpec::etcdProxy),
    DOCKER_CLUSTER_STORE("dockerClusterStore", CalicoClusterSpec::dockerClusterStore),
    CNI("cni", CalicoClusterSpec::cni),
    LIBNETWORK("libnetwork", CalicoClusterSpec::libnetwork),
    NODE("node", CalicoClusterSpec::node);

    private final String id;
    private final Function<CalicoClusterSpec, StepSection> section;

    StepName(String id, Function<CalicoClusterSpec, StepSection> section) {
        this.id = id;
        this.section = section;
    }

    /** The name used in the spec, in etcd and on the wire. */
    @JsonValue
    public String id() {
        return id;
    }

    /** This step's part of {@code spec} ({@code spec.<id>}): the one place that maps a step to its settings. */
    public StepSection section(CalicoClusterSpec spec) {
        return section.apply(spec);
    }

    /** The step is on in {@code spec}; a step that is off is removed from the agents. */
    public boolean enabledIn(CalicoClusterSpec spec) {
        return section(spec).enabled();
    }

    public static Optional<StepName> fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
