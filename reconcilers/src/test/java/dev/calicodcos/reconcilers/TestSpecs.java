package dev.calicodcos.reconcilers;

/** Spec fragments (YAML under {@code spec:}) that turn on one step at a time. */
public final class TestSpecs {
    /** Only dockerClusterStore, with a store on a port nobody listens on (Docker connects lazily). */
    public static final String ONLY_DOCKER = """
            etcd:
              endpoints: ["http://127.0.0.1:23790"]
            rollout:
              stabilityPeriod: 1s
            etcdProxy: {enabled: false}
            cni: {enabled: false}
            libnetwork: {enabled: false}
            node: {enabled: false}
            """;

    private TestSpecs() {}
}
