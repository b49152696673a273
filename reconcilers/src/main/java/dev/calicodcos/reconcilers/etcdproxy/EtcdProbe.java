package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.model.spec.EtcdProxyStep;
import java.util.Optional;

/** A real client request through the proxy, in the API the proxy carries. */
public interface EtcdProbe {
    /** Empty when a read through {@code endpoint} succeeded, else why it did not. */
    Optional<String> check(String endpoint, EtcdProxyStep.Mode mode);
}
