package dev.calicodcos.reconcilers.host;

import dev.calicodcos.model.agent.StepReason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@link Downloader} with java.net.http for http(s) (following redirects, as GitHub release assets need) and plain reads for file URLs. */
public final class UrlDownloader implements Downloader {
    private final HttpClient http;
    private final Duration timeout;

    public UrlDownloader(Duration timeout) {
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.timeout = timeout;
    }

    @Override
    public byte[] fetch(String url) {
        URI uri = URI.create(url);
        try {
            if ("file".equals(uri.getScheme())) {
                return Files.readAllBytes(Path.of(uri));
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new StepFailure(StepReason.DOWNLOAD_FAILED, "unsupported URL scheme: " + url);
            }
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new StepFailure(StepReason.DOWNLOAD_FAILED, "GET " + url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new StepFailure(StepReason.DOWNLOAD_FAILED, "cannot fetch " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure(StepReason.INTERRUPTED, "interrupted while fetching " + url, e);
        }
    }
}
