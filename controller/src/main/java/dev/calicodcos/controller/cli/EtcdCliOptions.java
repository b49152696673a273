package dev.calicodcos.controller.cli;

import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.model.ClusterKeys;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The etcd connection and key options every online command shares. */
public final class EtcdCliOptions {

    @Option(names = "--etcd-endpoints", paramLabel = "URL[,URL…]",
            defaultValue = "${env:CALICO_DCOS_ETCD_ENDPOINTS:-http://127.0.0.1:2379}",
            description = "etcd client URLs (env CALICO_DCOS_ETCD_ENDPOINTS; default ${DEFAULT-VALUE}).")
    String endpoints;

    @Option(names = "--etcd-cacert", paramLabel = "FILE", defaultValue = "${env:CALICO_DCOS_ETCD_CACERT}",
            description = "CA bundle that signed etcd's server certificate.")
    Path caCert;

    @Option(names = "--etcd-cert", paramLabel = "FILE", defaultValue = "${env:CALICO_DCOS_ETCD_CERT}",
            description = "Client certificate (PEM).")
    Path cert;

    @Option(names = "--etcd-key", paramLabel = "FILE", defaultValue = "${env:CALICO_DCOS_ETCD_KEY}",
            description = "Client key (PKCS#8 PEM).")
    Path key;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = ClusterKeys.DEFAULT_PREFIX,
            description = "Key prefix in etcd (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = ClusterKeys.DEFAULT_CLUSTER,
            description = "CalicoCluster name (default ${DEFAULT-VALUE}).")
    String cluster;

    public EtcdOptions etcd() {
        return new EtcdOptions(
                Arrays.stream(endpoints.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                given(caCert), given(cert), given(key));
    }

    /** An environment file's {@code CALICO_DCOS_ETCD_CACERT=} means "not set", not the empty path. */
    private static Optional<Path> given(Path path) {
        return Optional.ofNullable(path).filter(p -> !p.toString().isBlank());
    }

    public ClusterKeys keys(String clusterName) {
        return new ClusterKeys(prefix, clusterName);
    }

    public ClusterKeys keys() {
        return keys(cluster);
    }
}
