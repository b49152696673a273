package dev.calicodcos.sim.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * The Mesos fetcher for one URI: http(s), file:// and absolute paths; {@code output_file},
 * {@code executable} (sets the x bit, no extraction), {@code extract} of tar archives
 * (.tar, .tar.gz, .tgz, .tar.bz2, .txz via the system {@code tar}), and a per-agent {@code cache}.
 */
final class UriFetcher {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Path cacheDir;

    UriFetcher(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    static final class FetchFailure extends Exception {
        FetchFailure(String message) {
            super(message);
        }
    }

    void fetch(CommandInfo.URI uri, Path sandbox) throws FetchFailure {
        String value = uri.getValue();
        String name = uri.hasOutputFile() ? uri.getOutputFile() : basename(value);
        if (name.isEmpty() || name.contains("/")) {
            throw new FetchFailure("Cannot derive a file name for URI '" + value + "'");
        }
        Path target = sandbox.resolve(name);
        try {
            Path cached = cacheDir.resolve(sha256(value));
            if (uri.getCache() && Files.exists(cached)) {
                Files.copy(cached, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                download(value, target);
                if (uri.getCache()) {
                    Files.createDirectories(cacheDir);
                    Files.copy(target, cached, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (uri.getExecutable()) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else if (uri.getExtract() && isArchive(name)) {
                extract(target, sandbox);
            }
        } catch (IOException e) {
            throw new FetchFailure("Failed to fetch '" + value + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure("Interrupted while fetching '" + value + "'");
        }
    }

    private void download(String value, Path target) throws IOException, InterruptedException, FetchFailure {
        if (value.startsWith("http://") || value.startsWith("https://")) {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(value))
                    .timeout(Duration.ofMinutes(2)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new FetchFailure("Failed to fetch '" + value + "': HTTP " + response.statusCode());
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } else if (value.startsWith("file://")) {
            Files.copy(Path.of(URI.create(value)), target, StandardCopyOption.REPLACE_EXISTING);
        } else if (value.startsWith("/")) {
            Files.copy(Path.of(value), target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            throw new FetchFailure("Unsupported URI scheme in '" + value + "' (simulator fetches http, https, file and absolute paths)");
        }
    }

    private static void extract(Path archive, Path into) throws IOException, InterruptedException, FetchFailure {
        Process tar = new ProcessBuilder("tar", "-C", into.toString(), "-xf", archive.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tar.waitFor(2, TimeUnit.MINUTES) || tar.exitValue() != 0) {
            tar.destroyForcibly();
            throw new FetchFailure("Failed to extract '" + archive.getFileName() + "': " + output.trim());
        }
    }

    static boolean isArchive(String name) {
        return name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar.bz2")
                || name.endsWith(".tbz2") || name.endsWith(".tar.xz") || name.endsWith(".txz");
    }

    static String basename(String value) {
        String path = value;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
