package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd for tests, like envtest: the {@code etcd} binary from PATH (Debian's
 * {@code etcd-server}), on free loopback ports with a temporary data directory, stopped and
 * deleted on {@link #close()}.
 */
public final class EtcdServer implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final int clientPort;
    private final Path log;

    private EtcdServer(Process process, Path dataDir, int clientPort, Path log) {
        this.process = process;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.log = log;
    }

    public static EtcdServer start() {
        Path etcd = Executables.find("etcd").orElseThrow(() -> new IllegalStateException(
                "etcd is not installed: apt-get install etcd-server (or run .ci/run, which installs it)"));
        try {
            Path dataDir = Files.createTempDirectory("calico-dcos-etcd");
            int clientPort = FreePorts.next();
            int peerPort = FreePorts.next();
            String client = "http://127.0.0.1:" + clientPort;
            String peer = "http://127.0.0.1:" + peerPort;
            List<String> command = new ArrayList<>(List.of(etcd.toString(),
                    "--name", "test",
                    "--data-dir", dataDir.resolve("data").toString(),
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "test=" + peer,
                    "--enable-v2=true",
                    "--log-level", "error",
                    "--logger", "zap"));
            Path log = dataDir.resolve("etcd.log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            EtcdServer server = new EtcdServer(process, dataDir, clientPort, log);
            server.awaitHealthy(Duration.ofSeconds(30));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited at start: " + Files.readString(log));
            }
            if (healthy()) {
                return;
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // a poll interval, not a synchronisation sleep
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
        }
        close();
        throw new IllegalStateException("etcd did not become healthy within " + timeout);
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(500);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteRecursively(dataDir);
    }
}
