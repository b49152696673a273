package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.model.spec.EtcdProxyStep;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link EtcdProbe}: through a gateway a v3 range read with jetcd (it forwards gRPC as plain TCP);
 * through a v2 proxy a v2 HTTP read (it serves only the v2 API).
 */
public final class JetcdProbe implements EtcdProbe {
    private static final ByteSequence KEY = ByteSequence.from("/calico-dcos/probe", StandardCharsets.UTF_8);

    private final Duration timeout;

    public JetcdProbe(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Optional<String> check(String endpoint, EtcdProxyStep.Mode mode) {
        if (mode == EtcdProxyStep.Mode.V2PROXY) {
            return checkV2(endpoint);
        }
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

    private Optional<String> checkV2(String endpoint) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(timeout).build().send(
                    HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys/")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? Optional.empty() : Optional.of("v2 read answered HTTP " + response.statusCode());
        } catch (IOException e) {
            return Optional.of("v2 read failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}
