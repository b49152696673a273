package dev.calicodcos.reconcilers.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.model.agent.StepReason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Downloads: credentials in the URL become basic authentication and are never said; nothing too big is read. */
class UrlDownloaderTest {
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("calico:s3cret".getBytes(StandardCharsets.UTF_8));

    private HttpServer server;
    private String base;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/private", ex -> {
            boolean allowed = AUTH.equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (allowed ? "plugin" : "who are you").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(allowed ? 200 : 401, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/endless", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no length to refuse up front
            try (OutputStream out = ex.getResponseBody()) {
                byte[] block = new byte[8192];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
            } catch (IOException cutOff) {
                // the client stopped reading, as it should
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aUserPartInTheUrlIsSentAsBasicAuthentication() {
        byte[] content = new UrlDownloader(Duration.ofSeconds(5)).fetch(base.replace("://", "://calico:s3cret@") + "/private");

        assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo("plugin");
    }

    @Test
    void aFailureNeverRepeatsTheCredentialsOrTheQuery() {
        String url = base.replace("://", "://calico:wrong@") + "/private?token=abc";

        assertThatThrownBy(() -> new UrlDownloader(Duration.ofSeconds(5)).fetch(url))
                .isInstanceOfSatisfying(StepFailure.class, f -> assertThat(f.reason()).isEqualTo(StepReason.DOWNLOAD_FAILED))
                .hasMessage("GET http://***@127.0.0.1:" + server.getAddress().getPort() + "/private?*** answered 401");
    }

    @Test
    void aDownloadLargerThanTheLimitIsCutOffWithAClearError() {
        assertThatThrownBy(() -> new UrlDownloader(Duration.ofSeconds(5), 100_000).fetch(base + "/endless"))
                .isInstanceOf(StepFailure.class).hasMessageEndingWith("/endless is larger than 100000 bytes; not fetched");
    }
}
