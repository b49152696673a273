package dev.calicodcos.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.artifacts.NodeArtifacts;
import dev.calicodcos.model.status.ClusterStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's HTTP server hands node-agent tasks exactly the bytes their URLs name. */
class ArtifactServingTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private byte[] jarBytes;
    private byte[] runtimeBytes;
    private NodeArtifacts artifacts;
    private ControllerHttpServer server;

    @BeforeEach
    void serve() throws IOException {
        Random random = new Random(42);
        jarBytes = new byte[300_000];
        runtimeBytes = new byte[500_000];
        random.nextBytes(jarBytes);
        random.nextBytes(runtimeBytes);
        artifacts = NodeArtifacts.of(Files.write(dir.resolve("calico-dcos.jar"), jarBytes),
                Files.write(dir.resolve("calico-dcos-runtime-0.1.0-linux-x64.tar.gz"), runtimeBytes));
        server = new ControllerHttpServer(new InetSocketAddress("127.0.0.1", 0), "default", ClusterStatus::empty, List::of, List::of,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new ObjectMapper(), artifacts.all());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void bothArtifactsAreServedWithTheirBytesAtTheirContentAddressedPaths() throws Exception {
        HttpResponse<byte[]> jar = get(artifacts.jar().urlPath());
        HttpResponse<byte[]> runtime = get(artifacts.runtime().urlPath());

        assertThat(jar.statusCode()).isEqualTo(200);
        assertThat(jar.body()).isEqualTo(jarBytes);
        assertThat(runtime.statusCode()).isEqualTo(200);
        assertThat(runtime.body()).isEqualTo(runtimeBytes);
        assertThat(artifacts.runtime().urlPath()).contains(artifacts.runtime().sha256());
    }

    @Test
    void theUnversionedPathsStillAnswerForManualInstalls() throws Exception {
        assertThat(get("/artifacts/calico-dcos.jar").body()).isEqualTo(jarBytes);
        assertThat(get("/artifacts/calico-dcos-runtime.tar.gz").body()).isEqualTo(runtimeBytes);
    }

    @Test
    void anUnknownChecksumOrNameIsNotFound() throws Exception {
        assertThat(get("/artifacts/" + "0".repeat(64) + "/calico-dcos.jar").statusCode()).isEqualTo(404);
        assertThat(get("/artifacts/" + artifacts.jar().sha256() + "/calico-dcos-runtime.tar.gz").statusCode()).isEqualTo(404);
        assertThat(get("/artifacts/" + artifacts.jar().sha256() + "/../calico-dcos.jar").statusCode()).isEqualTo(404);
        assertThat(get("/artifacts/").statusCode()).isEqualTo(404);
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
