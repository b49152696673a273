package dev.calicodcos.model.spec;

import java.util.List;
import java.util.Optional;

/** The etcd that Calico components on the agents use. */
public record EtcdConnection(List<String> endpoints, Optional<TlsFiles> tls) {
    public EtcdConnection {
        endpoints = List.copyOf(endpoints);
    }

    public boolean usesTls() {
        return endpoints.stream().anyMatch(e -> e.startsWith("https://"));
    }
}
