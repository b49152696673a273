package dev.calicodcos.reconcilers.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.reconcilers.host.RootedFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against small in-test servers speaking as Felix, BIRD and the plugin do. */
class HostReadinessProbeTest {
    @TempDir
    Path root;
    private HttpServer felix;
    private ServerSocketChannel unix;
    private Thread unixServer;

    @AfterEach
    void stop() throws IOException {
        if (felix != null) {
            felix.stop(0);
        }
        if (unix != null) {
            unix.close();
        }
    }

    private HostReadinessProbe probe() {
        return new HostReadinessProbe(new RootedFiles(root), "127.0.0.1", Duration.ofSeconds(1));
    }

    private int felixAnswering(int status) throws IOException {
        felix = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        felix.createContext("/readiness", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        felix.start();
        return felix.getAddress().getPort();
    }

    /** A Unix socket server at {@code hostPath} that answers each connection with {@code answer(request)}. */
    private void unixAnswering(String hostPath, Function<String, String> answer) throws IOException {
        Path socket = root.resolve(hostPath.substring(1));
        Files.createDirectories(socket.getParent());
        unix = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(socket));
        unixServer = new Thread(() -> {
            while (unix.isOpen()) {
                try (SocketChannel peer = unix.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    peer.configureBlocking(true);
                    String request = "";
                    if (!hostPath.endsWith("bird.ctl")) {
                        while (!request.contains("\r\n\r\n") && peer.read(in) > 0) {
                            request = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                        }
                    }
                    peer.write(ByteBuffer.wrap(answer.apply(request).getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        unixServer.setDaemon(true);
        unixServer.start();
    }

    @Test
    void felixAnsweringTwoHundredsIsReadyAndFiveHundredsIsNot() throws IOException {
        int port = felixAnswering(204);
        assertThat(probe().failing(List.of(new ReadinessCheck.HttpGet(port, "/readiness", "Felix readiness")))).isEmpty();
        felix.stop(0);

        int notReady = felixAnswering(503);
        assertThat(probe().failing(List.of(new ReadinessCheck.HttpGet(notReady, "/readiness", "Felix readiness"))))
                .hasValueSatisfying(why -> assertThat(why).contains("Felix readiness", "answered HTTP 503"));
    }

    @Test
    void nothingListeningIsNotReady() throws IOException {
        int port;
        try (var free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(probe().failing(List.of(new ReadinessCheck.HttpGet(port, "/readiness", "Felix readiness"))))
                .hasValueSatisfying(why -> assertThat(why).contains("nothing answers"));
    }

    @Test
    void birdGreetingOnItsControlSocketIsReadyAndAMissingSocketIsNot() throws IOException {
        ReadinessCheck bird = new ReadinessCheck.SocketGreeting("/var/run/calico/bird.ctl", "0001 ", "BIRD control socket");
        assertThat(probe().failing(List.of(bird))).hasValueSatisfying(why -> assertThat(why).contains("no socket"));

        unixAnswering("/var/run/calico/bird.ctl", request -> "0001 BIRD 1.6.3 ready.\n");
        assertThat(probe().failing(List.of(bird))).isEmpty();
    }

    @Test
    void thePluginIsReadyWhenItsActivateHandshakeNamesTheDriver() throws IOException {
        unixAnswering("/run/docker/plugins/calico.sock", request -> request.startsWith("POST /Plugin.Activate HTTP/1.1")
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: 32\r\n\r\n"
                        + "{\"Implements\":[\"NetworkDriver\"]}"
                : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        assertThat(probe().failing(List.of(new ReadinessCheck.PluginActivate("/run/docker/plugins/calico.sock", "NetworkDriver",
                "Calico network plugin")))).isEmpty();
        assertThat(probe().failing(List.of(new ReadinessCheck.PluginActivate("/run/docker/plugins/calico.sock", "IpamDriver",
                "Calico IPAM plugin")))).hasValueSatisfying(why -> assertThat(why).contains("does not implement IpamDriver"));
    }

    @Test
    void aSocketThatSaysNothingIsNotReadyWithinTheTimeout() throws IOException {
        Path socket = root.resolve("var/run/calico/bird.ctl");
        Files.createDirectories(socket.getParent());
        unix = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(socket)); // accepts into the backlog, never writes

        assertThat(probe().failing(List.of(new ReadinessCheck.SocketGreeting("/var/run/calico/bird.ctl", "0001 ", "BIRD"))))
                .hasValueSatisfying(why -> assertThat(why).contains("no answer within 1000 ms"));
    }
}
