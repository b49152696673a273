package dev.calicodcos.model.hash;

import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.DockerClusterStoreStep;
import dev.calicodcos.model.spec.EtcdConnection;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.spec.StepSection;
import dev.calicodcos.model.spec.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For each step, the SHA-256 of the canonical JSON of exactly the spec inputs that step reads, so a
 * spec change re-runs only the steps whose inputs changed. A disabled step's inputs are just
 * "disabled": editing the settings of a step that is off re-runs nothing.
 */
public final class StepHashes {
    private final SpecCodec codec;

    public StepHashes(SpecCodec codec) {
        this.codec = codec;
    }

    public Map<StepName, String> of(CalicoClusterSpec spec) {
        Map<StepName, String> hashes = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            hashes.put(step, hash(step, inputsOf(step, spec)));
        }
        return hashes;
    }

    /** SHA-256 (hex) of {@code {"step": <name>, "inputs": <canonical JSON>}}. */
    public String hash(StepName step, Object inputs) {
        byte[] canonical = codec.canonicalBytes(Map.of("step", step.id(), "inputs", inputs));
        return sha256(canonical);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The inputs each step depends on; the table in the README ("Step hashes") mirrors this. */
    public static Object inputsOf(StepName step, CalicoClusterSpec spec) {
        StepSection section = step.section(spec);
        if (!section.enabled()) {
            return Disabled.INSTANCE;
        }
        return switch (step) {
            case ETCD_PROXY -> section; // its upstream is a setting of its own, not spec.etcd
            case DOCKER_CLUSTER_STORE -> dockerInputs(spec.dockerClusterStore(), spec.etcd());
            case CNI, LIBNETWORK, NODE -> new WithEtcd(section, spec.etcd());
        };
    }

    private static Object dockerInputs(DockerClusterStoreStep step, EtcdConnection etcd) {
        // An explicit store ignores the etcd settings; a derived one is built from them.
        boolean derived = step.clusterStore().isEmpty();
        return new DockerInputs(step,
                derived ? etcd.endpoints() : List.of(),
                derived ? etcd.tls() : Optional.empty());
    }

    record Disabled(boolean enabled) {
        static final Disabled INSTANCE = new Disabled(false);
    }

    record DockerInputs(DockerClusterStoreStep step, List<String> etcdEndpoints, Optional<TlsFiles> etcdTls) {}

    /** A step's section with the cluster's etcd connection it hands to Calico (serialized by the section's own type). */
    record WithEtcd(StepSection step, EtcdConnection etcd) {}
}
