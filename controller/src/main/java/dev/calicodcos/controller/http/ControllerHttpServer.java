package dev.calicodcos.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.model.status.AgentStatus;
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
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /api/v1/status} (the summary: bounded
 * whatever the cluster's size), {@code /api/v1/agents} (the rows, a page at a time, see
 * {@link AgentQuery}), {@code /api/v1/timeline}, the status page at {@code /}, and the node agents'
 * artifacts (the jar and the Java runtime) at {@code /artifacts/<sha256>/<name>}, the URIs Mesos
 * fetches for node-agent tasks, and at {@code /artifacts/<name>} for manual installs.
 */
public final class ControllerHttpServer implements AutoCloseable {
    private static final String AGENTS = "/api/v1/agents";

    /** The body of every 4xx answer of the API; {@code parameter} names the query parameter at fault. */
    record ApiError(String error, String parameter) {}

    private final HttpServer server;
    private final ObjectMapper json;
    /** Compact JSON: for the agents' pages (a third smaller) and errors (one line). */
    private final ObjectWriter compact;

    /** @param status the status with every agent's row, as this replica knows it (from memory: serving reads no etcd) */
    public ControllerHttpServer(InetSocketAddress address, String cluster, Supplier<ClusterStatus> status,
                                Supplier<List<RolloutTimeline.Point>> timeline, Supplier<List<String>> notReadyBecause,
                                PrometheusMeterRegistry registry, ObjectMapper json, List<Artifact> artifacts) throws IOException {
        this.json = json;
        this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
        server = HttpServer.create(address, 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        }));
        serve("/healthz", ex -> send(ex, 200, "text/plain; charset=utf-8", "ok\n"));
        serve("/readyz", ex -> {
            List<String> problems = notReadyBecause.get();
            send(ex, problems.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                    problems.isEmpty() ? "ready\n" : "not ready: " + String.join("\nnot ready: ", problems) + "\n");
        });
        serve("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        serve("/api/v1/status", ex -> sendJson(ex, StatusSummary.of(status.get())));
        serve(AGENTS, ex -> agents(ex, status));
        serve("/api/v1/timeline", ex -> sendJson(ex, timeline.get()));
        Map<String, Artifact> byPath = new HashMap<>();
        for (Artifact artifact : artifacts) {
            byPath.put(artifact.urlPath(), artifact);
            byPath.put(artifact.latestPath(), artifact);
        }
        serve(Artifact.PREFIX, ex -> {
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
        serve("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                send(ex, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            send(ex, 200, "text/html; charset=utf-8", StatusPage.render(cluster));
        });
    }

    /** {@code /api/v1/agents?phase=&step=&q=&limit=&continue=}: one page of rows; {@code /api/v1/agents/<id>}: one row. */
    private void agents(HttpExchange ex, Supplier<ClusterStatus> status) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals(AGENTS) || path.equals(AGENTS + "/")) {
            AgentQuery query;
            try {
                query = AgentQuery.parse(ex.getRequestURI().getRawQuery());
            } catch (AgentQuery.BadParameter e) {
                sendError(ex, 400, new ApiError(e.getMessage(), e.parameter()));
                return;
            }
            send(ex, 200, "application/json", compact.writeValueAsString(query.page(status.get().agents().values())));
            return;
        }
        AgentStatus row = path.startsWith(AGENTS + "/") ? status.get().agents().get(path.substring(AGENTS.length() + 1)) : null;
        if (row == null) {
            sendError(ex, 404, new ApiError("no agent at " + path, null));
            return;
        }
        sendJson(ex, row);
    }

    private void sendJson(HttpExchange ex, Object body) throws IOException {
        send(ex, 200, "application/json", json.writeValueAsString(body));
    }

    private void sendError(HttpExchange ex, int code, ApiError error) throws IOException {
        send(ex, code, "application/json", compact.writeValueAsString(error) + "\n");
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Everything served is read-only: anything but GET and HEAD is refused before any handler runs. */
    private void serve(String path, HttpHandler handler) {
        server.createContext(path, handler).getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange ex, Chain chain) throws IOException {
                String method = ex.getRequestMethod();
                if (method.equals("GET") || method.equals("HEAD")) {
                    chain.doFilter(ex);
                    return;
                }
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "read-only: " + method + " is not allowed\n");
            }

            @Override
            public String description() {
                return "GET and HEAD only";
            }
        });
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
