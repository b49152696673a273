package dev.calicodcos.reconcilers.container;

import dev.calicodcos.reconcilers.host.HostFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ReadinessProbe} on this host: HTTP on the host's loopback (Calico's containers run with
 * {@code --net=host}), Unix sockets under the host root. Every check is bounded by {@code timeout}.
 */
public final class HostReadinessProbe implements ReadinessProbe {
    private static final int MAX_ANSWER = 64 * 1024;

    private final HostFiles files;
    private final String loopback;
    private final Duration timeout;

    public HostReadinessProbe(HostFiles files, String loopback, Duration timeout) {
        this.files = files;
        this.loopback = loopback;
        this.timeout = timeout;
    }

    @Override
    public Optional<String> failing(List<ReadinessCheck> checks) {
        for (ReadinessCheck check : checks) {
            Optional<String> problem;
            try {
                if (check instanceof ReadinessCheck.HttpGet get) {
                    problem = httpGet(get);
                } else if (check instanceof ReadinessCheck.SocketGreeting greeting) {
                    problem = greeting(greeting);
                } else {
                    problem = activate((ReadinessCheck.PluginActivate) check);
                }
            } catch (IOException | RuntimeException e) {
                problem = Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            if (problem.isPresent()) {
                return Optional.of(check.describe() + ": " + problem.get());
            }
        }
        return Optional.empty();
    }

    private Optional<String> httpGet(ReadinessCheck.HttpGet get) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://" + loopback + ":" + get.port() + get.path()).toURL()
                .openConnection(java.net.Proxy.NO_PROXY);
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        try {
            int status = http.getResponseCode();
            return status / 100 == 2 ? Optional.empty() : Optional.of("answered HTTP " + status);
        } catch (java.net.ConnectException e) {
            return Optional.of("nothing answers");
        } finally {
            http.disconnect();
        }
    }

    private Optional<String> greeting(ReadinessCheck.SocketGreeting greeting) throws IOException {
        Path socket = files.resolve(greeting.hostPath());
        if (!Files.exists(socket)) {
            return Optional.of("no socket");
        }
        String line = exchange(socket, null);
        return line.startsWith(greeting.prefix()) ? Optional.empty() : Optional.of("greeted with \"" + firstLine(line) + "\"");
    }

    private Optional<String> activate(ReadinessCheck.PluginActivate activate) throws IOException {
        Path socket = files.resolve(activate.hostPath());
        if (!Files.exists(socket)) {
            return Optional.of("no socket");
        }
        String request = "POST /Plugin.Activate HTTP/1.1\r\nHost: plugin\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        String answer = exchange(socket, request);
        String status = firstLine(answer);
        if (!status.matches("HTTP/1\\.[01] 200.*")) {
            return Optional.of("answered \"" + status + "\"");
        }
        return answer.contains(activate.implementsKind()) ? Optional.empty()
                : Optional.of("does not implement " + activate.implementsKind());
    }

    /**
     * Connects, optionally sends {@code request}, and reads what the socket says. A peer that says
     * nothing within the timeout gets its channel closed, which ends the blocked read.
     */
    private String exchange(Path socket, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            if (request != null) {
                channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            }
            CompletableFuture<String> answer = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    answer.complete(readSome(Channels.newInputStream(channel), request == null));
                } catch (IOException e) {
                    answer.completeExceptionally(e);
                }
            }, "readiness-probe");
            reader.setDaemon(true);
            reader.start();
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return "(no answer within " + timeout.toMillis() + " ms)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** Everything until the peer closes (bounded), or only the first line when {@code oneLine}. */
    private static String readSome(InputStream in, boolean oneLine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while (out.size() < MAX_ANSWER && (b = in.read()) >= 0) {
            if (oneLine && b == '\n') {
                break;
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
