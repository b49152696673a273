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

    /**
     * Only cni, its two plugins given as {@code {url, sha256}} flow mappings, and {@code extra}
     * lines under {@code cni:} (such as {@code mtu: 1440}).
     */
    public static String onlyCni(String calicoPlugin, String ipamPlugin, String extra) {
        return """
                etcd:
                  endpoints: ["http://127.0.0.1:2379"]
                rollout:
                  stabilityPeriod: 1s
                etcdProxy: {enabled: false}
                dockerClusterStore: {enabled: false}
                libnetwork: {enabled: false}
                node: {enabled: false}
                cni:
                  plugins:
                    calico: %s
                    calicoIpam: %s
                %s
                """.formatted(calicoPlugin, ipamPlugin, extra.indent(2));
    }

    /** A plugin served from {@code file} (written with {@code content}), with its checksum. */
    public static String servedPlugin(java.nio.file.Path file, String content) throws java.io.IOException {
        java.nio.file.Files.writeString(file, content);
        return "{url: \"" + file.toUri() + "\", sha256: \"" + dev.calicodcos.model.hash.StepHashes.sha256(content) + "\"}";
    }

    private TestSpecs() {}
}
