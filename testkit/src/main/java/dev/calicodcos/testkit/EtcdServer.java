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
    private final List<String> command;
    private Process process;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final Path log;
    private final boolean tls;

    private EtcdServer(List<String> command, Path dataDir, int clientPort, int peerPort, Path log, boolean tls) {
        this.command = List.copyOf(command);
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.log = log;
        this.tls = tls;
    }

    public static EtcdServer start() {
        return start(null);
    }

    /**
     * With a backend quota of {@code bytes}: once the database outgrows it etcd raises the NOSPACE
     * alarm and refuses every write until space is freed (compact, defrag) and the alarm disarmed.
     */
    public static EtcdServer withQuota(long bytes) {
        return start(null, List.of("--quota-backend-bytes", Long.toString(bytes)));
    }

    /** With {@code certs}: clients must speak TLS and present a certificate signed by the test CA. */
    public static EtcdServer start(TestCertificates certs) {
        return start(certs, List.of());
    }

    private static EtcdServer start(TestCertificates certs, List<String> extraArgs) {
        Path etcd = Executables.find("etcd").orElseThrow(() -> new IllegalStateException(
                "etcd is not installed: apt-get install etcd-server (or run .ci/run, which installs it)"));
        try {
            Path dataDir = Files.createTempDirectory("calico-dcos-etcd");
            int clientPort = FreePorts.next();
            int peerPort = FreePorts.next();
            String client = (certs == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
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
            if (certs != null) {
                command.addAll(List.of("--cert-file", certs.serverCert().toString(), "--key-file", certs.serverKey().toString(),
                        "--trusted-ca-file", certs.caCert().toString(), "--client-cert-auth"));
            }
            command.addAll(extraArgs);
            EtcdServer server = new EtcdServer(command, dataDir, clientPort, peerPort, dataDir.resolve("etcd.log"), certs != null);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitHealthy(Duration.ofSeconds(30));
    }

    /** Stops etcd and starts it again on the same ports and data: clients see a restart, nothing is lost. */
    public void restart() {
        stop();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + clientPort;
    }

    /** The member's peer URL (what an etcd v2 proxy is given). */
    public String peerEndpoint() {
        return "http://127.0.0.1:" + peerPort;
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
        if (tls) {
            return listening(); // clients retry; a TLS health probe would need the client certificate
        }
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(500);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean listening() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", clientPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
        TempDirs.deleteRecursively(dataDir);
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
