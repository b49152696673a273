package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.reconcilers.etcd.EtcdClients;
import dev.calicodcos.reconcilers.etcd.EtcdOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link EtcdProbe} as a v3 range read with jetcd (the gateway forwards v3 gRPC as plain TCP). */
public final class JetcdProbe implements EtcdProbe {
    private static final ByteSequence KEY = ByteSequence.from("/calico-dcos/probe", StandardCharsets.UTF_8);

    private final Duration timeout;

    public JetcdProbe(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Optional<String> check(String endpoint) {
        try (Client client = EtcdClients.connect(EtcdOptions.plain(endpoint))) {
            client.getKVClient().get(KEY).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            return Optional.of("no answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }
}
