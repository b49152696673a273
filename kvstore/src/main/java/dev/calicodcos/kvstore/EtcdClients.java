package dev.calicodcos.kvstore;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Builds jetcd clients, with TLS client certificates when the options carry them. */
public final class EtcdClients {
    /**
     * gRPC's default 4 MiB answer limit, raised on purpose. Readers page their prefix reads (200 keys)
     * and a watch answer carries at most one transaction (100 keys), so with plans and reports of a
     * few KiB no answer nears 4 MiB; 16 MiB is the headroom for documents of up to ~80 KiB, and a
     * cluster whose answers still outgrow it fails loudly (RESOURCE_EXHAUSTED) instead of silently.
     */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

    private EtcdClients() {}

    public static Client connect(EtcdOptions options) {
        ClientBuilder builder = Client.builder()
                .endpoints(options.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(5))
                .keepaliveTime(Duration.ofSeconds(30))
                .keepaliveTimeout(Duration.ofSeconds(10))
                .retryMaxDuration(Duration.ofSeconds(30))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
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
