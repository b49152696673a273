package dev.calicodcos.reconcilers.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Builds jetcd clients, with TLS client certificates when the options carry them. */
public final class EtcdClients {
    private EtcdClients() {}

    public static Client connect(EtcdOptions options) {
        ClientBuilder builder = Client.builder()
                .endpoints(options.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(5))
                .keepaliveTime(Duration.ofSeconds(30))
                .keepaliveTimeout(Duration.ofSeconds(10))
                .retryMaxDuration(Duration.ofSeconds(30));
        if (options.usesTls()) {
            try {
                SslContextBuilder ssl = GrpcSslContexts.forClient();
                options.caCert().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                if (options.cert().isPresent()) {
                    ssl.keyManager(options.cert().get().toFile(), options.key().orElseThrow().toFile());
                }
                builder.sslContext(ssl.build());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load etcd TLS files: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot load etcd TLS files: " + e.getMessage(), e);
            }
        }
        return builder.build();
    }
}
