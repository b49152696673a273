package dev.calicodcos.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.model.status.ClusterStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /api/v1/status}, {@code /api/v1/agents},
 * the status page at {@code /}, and the jar itself at {@code /artifacts/calico-dcos.jar} (the URI
 * Mesos fetches for every node-agent task).
 */
public final class ControllerHttpServer implements AutoCloseable {
    public static final String JAR_PATH = "/artifacts/calico-dcos.jar";

    private final HttpServer server;

    public ControllerHttpServer(InetSocketAddress address, String cluster, Supplier<ClusterStatus> status, BooleanSupplier ready,
                                PrometheusMeterRegistry registry, ObjectMapper json, Optional<Path> jar) throws IOException {
        server = HttpServer.create(address, 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", ex -> send(ex, 200, "text/plain; charset=utf-8", "ok\n"));
        server.createContext("/readyz", ex -> {
            boolean ok = ready.getAsBoolean();
            send(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ready\n" : "not ready\n");
        });
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/api/v1/status", ex -> send(ex, 200, "application/json", json.writeValueAsString(status.get())));
        server.createContext("/api/v1/agents", ex -> send(ex, 200, "application/json", json.writeValueAsString(status.get().agents())));
        server.createContext(JAR_PATH, ex -> {
            if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
                send(ex, 404, "text/plain; charset=utf-8", "no jar to serve (run from the shaded jar)\n");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/java-archive");
            ex.sendResponseHeaders(200, Files.size(jar.get()));
            try (OutputStream out = ex.getResponseBody()) {
                Files.copy(jar.get(), out);
            }
        });
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                send(ex, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            send(ex, 200, "text/html; charset=utf-8", StatusPage.render(cluster, status.get()));
        });
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange ex, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
