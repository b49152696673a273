package dev.calicodcos.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.model.status.ClusterStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /api/v1/status}, {@code /api/v1/agents},
 * the status page at {@code /}, and the node agents' artifacts (the jar and the Java runtime) at
 * {@code /artifacts/<sha256>/<name>}, the URIs Mesos fetches for node-agent tasks, and at
 * {@code /artifacts/<name>} for manual installs.
 */
public final class ControllerHttpServer implements AutoCloseable {
    private final HttpServer server;

    public ControllerHttpServer(InetSocketAddress address, String cluster, Supplier<ClusterStatus> status,
                                Supplier<List<RolloutTimeline.Point>> timeline, BooleanSupplier ready,
                                PrometheusMeterRegistry registry, ObjectMapper json, List<Artifact> artifacts) throws IOException {
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
        server.createContext("/api/v1/timeline", ex -> send(ex, 200, "application/json", json.writeValueAsString(timeline.get())));
        Map<String, Artifact> byPath = new HashMap<>();
        for (Artifact artifact : artifacts) {
            byPath.put(artifact.urlPath(), artifact);
            byPath.put(artifact.latestPath(), artifact);
        }
        server.createContext(Artifact.PREFIX, ex -> {
            Artifact artifact = byPath.get(ex.getRequestURI().getPath());
            if (artifact == null || !Files.isRegularFile(artifact.file())) {
                send(ex, 404, "text/plain; charset=utf-8", "no such artifact\n");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : Files.size(artifact.file()));
            try (OutputStream out = ex.getResponseBody()) {
                if (!head) {
                    Files.copy(artifact.file(), out);
                }
            }
        });
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                send(ex, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            send(ex, 200, "text/html; charset=utf-8", StatusPage.render(cluster));
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
