package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted {@code /api/v1/scheduler} endpoint for driver tests. Unlike MockWebServer it keeps a
 * subscription stream open and lets the test push RecordIO records into it one by one, flushed as
 * separate HTTP chunks, or end it.
 *
 * <p>SUBSCRIBE gets 200 + a new {@code Mesos-Stream-Id} + an open stream; every other call gets 202.
 */
final class FakeSchedulerApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Recorded(String method, String path, Map<String, String> headers, JsonNode body) {
        String type() {
            return body.path("type").asText();
        }

        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    final class Stream {
        final String streamId;
        final Recorded subscribe;
        private final HttpExchange exchange;

        Stream(String streamId, Recorded subscribe, HttpExchange exchange) {
            this.streamId = streamId;
            this.subscribe = subscribe;
            this.exchange = exchange;
        }

        /** Writes one RecordIO record and flushes it as its own chunk. */
        Stream send(String event) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            try {
                OutputStream out = exchange.getResponseBody();
                out.write((bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** Writes bytes as they are, framing or not, and flushes them. */
        Stream sendRaw(String bytes) {
            try {
                OutputStream out = exchange.getResponseBody();
                out.write(bytes.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Stream subscribed(String frameworkId, double heartbeatSeconds) {
            return send("{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"" + frameworkId
                    + "\"},\"heartbeat_interval_seconds\":" + heartbeatSeconds + "}}");
        }

        void end() {
            exchange.close();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();
    private final BlockingQueue<Recorded> calls = new LinkedBlockingQueue<>();
    private final List<Stream> all = new ArrayList<>();
    /** Scripted answers: the next SUBSCRIBE / call gets this status instead of the normal answer. */
    final java.util.Queue<Integer> subscribeStatuses = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final java.util.Queue<Integer> callStatuses = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final BlockingQueue<Recorded> refused = new LinkedBlockingQueue<>();
    /** When set, this master is not the leader and answers everything with 307 to {@code //<leader>/api/v1/scheduler}. */
    volatile String leaderHostPort;

    FakeSchedulerApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/api/v1/scheduler", this::handle);
        server.start();
    }

    String hostPort() {
        return server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /** The next SUBSCRIBE's stream, waiting up to five seconds. */
    Stream nextStream() {
        return poll(streams, "SUBSCRIBE");
    }

    /** The next non-SUBSCRIBE call, waiting up to five seconds. */
    Recorded nextCall() {
        return poll(calls, "call");
    }

    /** The next call of {@code type}, skipping others (periodic reconciliation, ...). */
    Recorded nextCall(String type) {
        while (true) {
            Recorded call = nextCall();
            if (call.type().equals(type)) {
                return call;
            }
        }
    }

    List<Recorded> drainCalls() {
        List<Recorded> drained = new ArrayList<>();
        calls.drainTo(drained);
        return drained;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        byte[] body = exchange.getRequestBody().readAllBytes();
        Recorded recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                JSON.readTree(body));
        if (leaderHostPort != null) {
            refused.add(recorded);
            exchange.getResponseHeaders().set("Location", "//" + leaderHostPort + "/api/v1/scheduler");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
            return;
        }
        Integer scripted = (recorded.type().equals("SUBSCRIBE") ? subscribeStatuses : callStatuses).poll();
        if (scripted != null) {
            refused.add(recorded);
            exchange.sendResponseHeaders(scripted, -1);
            exchange.close();
            return;
        }
        if (recorded.type().equals("SUBSCRIBE")) {
            String streamId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Mesos-Stream-Id", streamId);
            exchange.sendResponseHeaders(200, 0);   // chunked; stays open until the test ends it
            Stream stream = new Stream(streamId, recorded, exchange);
            synchronized (all) {
                all.add(stream);
            }
            streams.add(stream);
        } else {
            calls.add(recorded);
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        }
    }

    private static <T> T poll(BlockingQueue<T> queue, String what) {
        try {
            T item = queue.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            if (item == null) {
                throw new AssertionError("no " + what + " within 5 s");
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        synchronized (all) {
            all.forEach(s -> {
                try {
                    s.end();
                } catch (RuntimeException ignored) {
                    // already closed by the client
                }
            });
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
