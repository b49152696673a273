package dev.calicodcos.reconcilers.etcdproxy;

import java.util.Optional;

/** A real client request through the proxy. */
public interface EtcdProbe {
    /** Empty when a read through {@code endpoint} succeeded, else why it did not. */
    Optional<String> check(String endpoint);
}
