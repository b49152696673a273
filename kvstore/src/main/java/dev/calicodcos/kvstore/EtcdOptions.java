package dev.calicodcos.kvstore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a calico-dcos process (CLI, controller, node agent) reaches the etcd holding its keys.
 * Client certificate and key are given together; the key must be PKCS#8 PEM (what gRPC's Netty reads).
 */
public record EtcdOptions(List<String> endpoints, Optional<Path> caCert, Optional<Path> cert, Optional<Path> key) {
    public EtcdOptions {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("--etcd-cert and --etcd-key must be given together");
        }
    }

    public static EtcdOptions plain(String endpoint) {
        return new EtcdOptions(List.of(endpoint), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean usesTls() {
        return caCert.isPresent() || cert.isPresent() || endpoints.stream().anyMatch(e -> e.startsWith("https://"));
    }
}
