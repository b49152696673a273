package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.spec.EtcdConnection;
import java.util.Map;

/** etcd TLS files mounted one by one into Calico containers, with the ETCD_*_FILE variables pointing at them. */
final class TlsMounts {
    static final String CA = "/etc/calico/certs/ca_cert.crt";
    static final String CERT = "/etc/calico/certs/cert.crt";
    static final String KEY = "/etc/calico/certs/key.pem";

    private TlsMounts() {}

    static void add(EtcdConnection etcd, Map<String, String> env, Map<String, String> binds) {
        etcd.tls().ifPresent(tls -> {
            tls.caFile().ifPresent(f -> { binds.put(f, CA); env.put("ETCD_CA_CERT_FILE", CA); });
            tls.certFile().ifPresent(f -> { binds.put(f, CERT); env.put("ETCD_CERT_FILE", CERT); });
            tls.keyFile().ifPresent(f -> { binds.put(f, KEY); env.put("ETCD_KEY_FILE", KEY); });
        });
    }
}
