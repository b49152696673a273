package dev.calicodcos.e2e.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The real {@code calico-dcos controller} in its own JVM, so that its CPU time and heap are its own:
 * started with {@code --no-node-agents} (the benchmark simulates them) and otherwise its defaults (agent
 * poll 10 s, resync 30 s), and read through its {@code /metrics} and its log.
 */
final class ControllerProcess implements AutoCloseable {
    /** Log lines that say what went wrong: WARN/ERROR lines, the CLI's own "error:" line, and the gRPC / JVM failures that matter at scale. */
    private static final Pattern TROUBLE = Pattern.compile(
            " (WARN|ERROR) |^error: |RESOURCE_EXHAUSTED|DEADLINE_EXCEEDED|UNAVAILABLE|OutOfMemoryError|exceeds maximum size");
    private static final Pattern TIME = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ ");

    private final Process process;
    private final Path log;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ControllerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    static ControllerProcess start(Path jar, String heap, URI master, String etcd, String prefix, int httpPort, Path log) {
        try {
            Process process = new ProcessBuilder(java(), "-Xmx" + heap, "-jar", jar.toString(), "controller", "--no-node-agents",
                    "--mesos-master", master.toString(), "--etcd-endpoints", etcd, "--prefix", prefix,
                    "--http-port", String.valueOf(httpPort))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ControllerProcess(process, log, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the controller from " + jar, e);
        }
    }

    PromText scrape() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("controller /metrics answered " + response.statusCode());
            }
            return PromText.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("controller /metrics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    boolean isLeader() {
        return scrape().sum("calico_dcos_leader") == 1.0;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    OptionalLong exitCode() {
        return process.isAlive() ? OptionalLong.empty() : OptionalLong.of(process.exitValue());
    }

    long pid() {
        return process.pid();
    }

    /** Heap in use right after a full GC the benchmark asks for ({@code jcmd GC.run}): what the controller really keeps. */
    long heapAfterGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(java()).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run").redirectErrorStream(true).start();
        String out = new String(gc.getInputStream().readAllBytes());
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + out.strip());
        }
        return (long) scrape().sum("jvm_memory_used_bytes", Map.of("area", "heap"));
    }

    /** The distinct troubling log lines (time stamps aside) in the order they first came, with how often each came. */
    Map<String, Integer> trouble(int max) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (var lines = Files.lines(log)) {
            lines.filter(l -> TROUBLE.matcher(l).find())
                    .map(l -> TIME.matcher(l).replaceFirst(""))
                    .map(l -> l.length() > 300 ? l.substring(0, 300) + "…" : l)
                    .forEach(l -> counts.merge(l, 1, Integer::sum));
        } catch (IOException | UncheckedIOException e) {
            return Map.of("(controller log unreadable: " + e.getMessage() + ")", 1);
        }
        Map<String, Integer> first = new LinkedHashMap<>();
        counts.entrySet().stream().limit(max).forEach(e -> first.put(e.getKey(), e.getValue()));
        return first;
    }

    /** How the process ended, for a case that lost its controller: exit code and the log's last line. */
    String exit() {
        String last;
        try (var lines = Files.lines(log)) {
            last = lines.filter(l -> !l.isBlank()).reduce((first, second) -> second).orElse("(empty log)");
        } catch (IOException | UncheckedIOException e) {
            last = "(log unreadable)";
        }
        return "the controller exited with " + exitCode().orElse(-1) + "; its log ends: " + last;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static List<String> troubleLines(Map<String, Integer> trouble) {
        return trouble.entrySet().stream().map(e -> e.getValue() + "× " + e.getKey()).toList();
    }
}
