package dev.calicodcos.sim.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated Mesos agent's own HTTP API, as far as calico-dcos reads it: {@code GET /metrics/snapshot}
 * with the gauges {@code slave/registered} (1 while registered with the master, else 0) and
 * {@code slave/uptime_secs}, names and shape as Mesos 1.0 to 1.10 serve them ({@code src/slave/metrics.cpp}).
 * Anything else is 404.
 *
 * <p>A real agent listens on {@code <detect_ip>:5051}; a simulated one has no address of its own on this
 * machine, so it listens on its loopback stand-in, port 5051 (each agent has its own address, so the
 * port never clashes between agents). Like the real process, it listens only while the agent process
 * runs: {@link #down()} closes the port (connections are refused), {@link #up()} opens it again.
 */
final class MesosAgentEndpoint implements AutoCloseable {
    static final int PORT = 5051;
    private static final Logger LOG = LoggerFactory.getLogger(MesosAgentEndpoint.class);

    private final String address;
    private final int port;
    private final BooleanSupplier registered;
    private final Supplier<Instant> processStarted;
    private final Clock clock;
    private final ExecutorService executor;
    private HttpServer server;
    private boolean closed;

    MesosAgentEndpoint(String address, int port, BooleanSupplier registered, Supplier<Instant> processStarted, Clock clock,
                       ExecutorService executor) {
        this.address = address;
        this.port = port;
        this.registered = registered;
        this.processStarted = processStarted;
        this.clock = clock;
        this.executor = executor;
    }

    /** {@code host:port} it listens on while the agent process runs. */
    String hostPort() {
        return address + ":" + port;
    }

    /** The agent process runs: listen (a port taken by someone else is logged, and the agent simply does not answer). */
    synchronized void up() {
        if (server != null || closed) {
            return;
        }
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(address, port), 16);
            s.createContext("/", this::handle);
            s.setExecutor(executor);
            s.start();
            server = s;
        } catch (IOException e) {
            LOG.warn("mesos agent endpoint not listening address={} reason={}", hostPort(), e.toString());
        }
    }

    /** The agent process is gone: nothing listens. */
    synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    synchronized boolean listening() {
        return server != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        down();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/metrics/snapshot")) {
                send(exchange, 404, "text/plain", "");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain", "");
                return;
            }
            double uptime = Duration.between(Optional.ofNullable(processStarted.get()).orElse(clock.instant()), clock.instant())
                    .toMillis() / 1000.0;
            String body = String.format(Locale.ROOT, "{\"slave/registered\":%s,\"slave/uptime_secs\":%s}",
                    registered.getAsBoolean() ? "1.0" : "0.0", Math.max(0, uptime));
            send(exchange, 200, "application/json", body);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
