package dev.calicodcos.reconcilers.host;

import dev.calicodcos.model.Redaction;
import dev.calicodcos.model.agent.StepReason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * {@link Downloader} with java.net.http for http(s) (following redirects, as GitHub release assets
 * need) and plain reads for file URLs. A user part in the URL ({@code https://user:password@host/})
 * is sent as HTTP basic authentication and never repeated in a message; nothing larger than
 * {@link #MAX_BYTES} is read.
 */
public final class UrlDownloader implements Downloader {
    /** Far above any file a step fetches (an etcd release tarball is ~20 MB, a CNI plugin ~40 MB). */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final long maxBytes;

    public UrlDownloader(Duration timeout) {
        this(timeout, MAX_BYTES);
    }

    UrlDownloader(Duration timeout, long maxBytes) {
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public byte[] fetch(String url) {
        String said = Redaction.text(url);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new StepFailure(StepReason.DOWNLOAD_FAILED, "not a URL: " + said);
        }
        try {
            if ("file".equals(uri.getScheme())) {
                return readFile(Path.of(uri), said);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new StepFailure(StepReason.DOWNLOAD_FAILED, "unsupported URL scheme: " + said);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(withoutUserInfo(uri)).timeout(timeout).GET();
            basicAuthorization(uri).ifPresent(value -> request.header("Authorization", value));
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new StepFailure(StepReason.DOWNLOAD_FAILED, "GET " + said + " answered " + response.statusCode());
                }
                if (response.headers().firstValueAsLong("Content-Length").orElse(0) > maxBytes) {
                    throw tooLarge(said);
                }
                return readBounded(body, said);
            }
        } catch (IOException e) {
            throw new StepFailure(StepReason.DOWNLOAD_FAILED, "cannot fetch " + said + ": " + Redaction.text(String.valueOf(e.getMessage())), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure(StepReason.INTERRUPTED, "interrupted while fetching " + said, e);
        }
    }

    private byte[] readFile(Path file, String said) throws IOException {
        if (Files.size(file) > maxBytes) {
            throw tooLarge(said);
        }
        return Files.readAllBytes(file);
    }

    /** At most {@code maxBytes}: a server that sends more (or lies about its length) is cut off. */
    private byte[] readBounded(InputStream body, String said) throws IOException {
        byte[] content = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (content.length > maxBytes) {
            throw tooLarge(said);
        }
        return content;
    }

    private StepFailure tooLarge(String said) {
        String limit = maxBytes % (1024 * 1024) == 0 ? maxBytes / (1024 * 1024) + " MiB" : maxBytes + " bytes";
        return new StepFailure(StepReason.DOWNLOAD_FAILED, said + " is larger than " + limit + "; not fetched");
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        String text = uri.toString();
        return URI.create(text.replaceFirst("://[^/@]+@", "://"));
    }

    private static Optional<String> basicAuthorization(URI uri) {
        return Optional.ofNullable(uri.getUserInfo()).map(user -> "Basic "
                + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
    }
}
