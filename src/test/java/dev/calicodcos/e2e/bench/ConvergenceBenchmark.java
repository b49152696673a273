package dev.calicodcos.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.reconcilers.etcd.EtcdClients;
import dev.calicodcos.reconcilers.etcd.EtcdOptions;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.FreePorts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Convergence of N agents against its lower bound ⌈N/K⌉·(restart + stability), with the real
 * controller as its own process (so its CPU time and heap are its own), a simulated Mesos master
 * listing the agents, and in-process node agents ({@link BenchNodeAgents}). Writes
 * {@code benchmark-reports/convergence.md}. Not a timed test: run it on purpose with
 * {@code ./mvnw -B -pl src/test verify -Dgroups=benchmark -Dbench.excluded=none -Dtest=ConvergenceBenchmark}.
 */
@Tag("benchmark")
class ConvergenceBenchmark {
    private static final ObjectMapper JSON = new SpecCodec().json();

    record Case(int agents, int maxConcurrentRestarts, Duration restart, Duration stability) {
        Duration lowerBound() {
            int waves = (agents + maxConcurrentRestarts - 1) / maxConcurrentRestarts;
            return restart.plus(stability).multipliedBy(waves);
        }
    }

    record Result(Case c, Duration convergence, double cpuTotal, double cpuRollout, long heapPeak,
                  double controllerRequestsPerAgent, double nodeRequestsPerAgent, int maxConcurrent) {}

    @Test
    void convergenceAgainstTheLowerBound() throws Exception {
        List<Case> cases = Boolean.getBoolean("bench.quick") ? List.of(new Case(200, 20, Duration.ofMillis(300), Duration.ofMillis(200))) : List.of(
                new Case(100, 1, Duration.ofMillis(300), Duration.ofMillis(200)),
                new Case(100, 10, Duration.ofMillis(300), Duration.ofMillis(200)),
                new Case(200, 20, Duration.ofMillis(300), Duration.ofMillis(200)),
                new Case(200, 5, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        List<Result> results = new ArrayList<>();
        try (EtcdServer etcd = EtcdServer.start()) {
            for (int i = 0; i < cases.size(); i++) {
                results.add(run(etcd, cases.get(i), "/bench-" + i));
                write(results); // what has been measured survives a later case's failure
            }
        }
        Path report = write(results);
        for (Result r : results) {
            assertThat(r.maxConcurrent()).as("budget").isLessThanOrEqualTo(r.c().maxConcurrentRestarts());
            assertThat(r.convergence()).as("cannot beat the lower bound").isGreaterThanOrEqualTo(r.c().lowerBound());
        }
        assertThat(report).exists();
    }

    private Result run(EtcdServer etcd, Case c, String prefix) throws Exception {
        ClusterKeys keys = new ClusterKeys(prefix, "default");
        List<AgentSpec> specs = IntStream.range(0, c.agents()).mapToObj(i -> AgentSpec.privateAgent("10.1." + (i / 250) + "." + (i % 250))).toList();
        int port = FreePorts.next();
        try (SimulatedCluster sim = SimulatedCluster.builder().agents(specs).heartbeatInterval(Duration.ofSeconds(15)).start();
             Client client = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()));
             BenchNodeAgents nodes = new BenchNodeAgents(client, keys, c.restart(), c.stability())) {
            Process controller = new ProcessBuilder(java(), "-Xmx512m", "-jar", jar().toString(), "controller", "--no-node-agents",
                    "--mesos-master", sim.masterUrl().toString(), "--etcd-endpoints", etcd.endpoint(), "--prefix", prefix,
                    "--http-port", String.valueOf(port), "--agent-poll", "1s", "--resync", "30s")
                    .redirectErrorStream(true).redirectOutput(reportDir().resolve("controller" + prefix.replace('/', '-') + ".log").toFile())
                    .start();
            try {
                String metrics = "http://127.0.0.1:" + port + "/metrics";
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> scrape(metrics).contains("calico_dcos_leader 1.0"));
                nodes.start(sim.agents().stream().map(a -> a.id().getValue()).toList());
                double cpuBefore = metric(scrape(metrics), "calico_dcos_process_cpu_seconds");
                String spec = "apiVersion: calico-dcos.io/v1\nkind: CalicoCluster\nmetadata:\n  name: default\nspec:\n"
                        + "  rollout:\n    maxConcurrentRestarts: " + c.maxConcurrentRestarts() + "\n";
                Instant start = Instant.now();
                long revision = client.getKVClient().put(ByteSequence.from(keys.spec(), StandardCharsets.UTF_8),
                        ByteSequence.from(spec, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
                try {
                    await().atMost(c.lowerBound().multipliedBy(4).plusMinutes(2)).pollInterval(Duration.ofMillis(100))
                            .until(() -> ready(client, keys, revision));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(c + " did not converge; status: " + summary(client, keys), e);
                }
                Duration convergence = Duration.between(start, Instant.now());
                String after = scrape(metrics);
                return new Result(c, convergence, metric(after, "calico_dcos_process_cpu_seconds"),
                        metric(after, "calico_dcos_process_cpu_seconds") - cpuBefore, (long) metric(after, "calico_dcos_heap_peak_bytes"),
                        sum(after, "calico_dcos_etcd_request_duration_seconds_count") / c.agents(),
                        (double) nodes.requests() / c.agents(), nodes.maxConcurrentRestarts());
            } finally {
                controller.destroy();
                controller.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean ready(Client client, ClusterKeys keys, long revision) throws Exception {
        var kvs = client.getKVClient().get(ByteSequence.from(keys.status(), StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            return false;
        }
        ClusterStatus status = JSON.readValue(kvs.get(0).getValue().getBytes(), ClusterStatus.class);
        return status.appliedGeneration() == revision && status.isTrue(Condition.READY);
    }

    private static String summary(Client client, ClusterKeys keys) throws Exception {
        var kvs = client.getKVClient().get(ByteSequence.from(keys.status(), StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            return "none";
        }
        ClusterStatus s = JSON.readValue(kvs.get(0).getValue().getBytes(), ClusterStatus.class);
        return "generation " + s.observedGeneration() + "/" + s.appliedGeneration() + " counts " + s.agentCounts()
                + " grants " + s.rollout().grantsInFlight() + " conditions " + s.conditions();
    }

    private static Path write(List<Result> results) throws IOException {
        StringBuilder md = new StringBuilder("""
                # Convergence benchmark

                Written by `ConvergenceBenchmark` (src/test). The controller runs as its own process with
                `--no-node-agents`; the agent list comes from the simulated Mesos master; node agents are
                simulated in-process (etcd protocol as the real ones: plan watch, report under a lease,
                restart only with a grant; the restart and stability times are simulated). etcd is real.
                Lower bound: ⌈N/K⌉·(restart + stability). Requests per agent count every etcd request the
                controller made during the run (reads, fenced writes, election) divided by N, and separately
                the node agents' report writes.

                | agents N | K | restart + stability | lower bound | convergence | ratio | controller CPU (rollout / total) | peak heap | controller etcd req/agent | node etcd writes/agent | max concurrent restarts |
                |---|---|---|---|---|---|---|---|---|---|---|
                """);
        for (Result r : results) {
            md.append(String.format("| %d | %d | %d ms | %.1f s | %.1f s | %.2f | %.1f s / %.1f s | %d MiB | %.1f | %.1f | %d |%n",
                    r.c().agents(), r.c().maxConcurrentRestarts(), r.c().restart().plus(r.c().stability()).toMillis(),
                    r.c().lowerBound().toMillis() / 1000.0, r.convergence().toMillis() / 1000.0,
                    (double) r.convergence().toMillis() / r.c().lowerBound().toMillis(), r.cpuRollout(), r.cpuTotal(),
                    r.heapPeak() / (1024 * 1024), r.controllerRequestsPerAgent(), r.nodeRequestsPerAgent(), r.maxConcurrent()));
        }
        md.append("\nMachine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.version")).append(", ").append(Instant.now()).append('\n');
        return Files.writeString(reportDir().resolve("convergence.md"), md.toString());
    }

    private static Path reportDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("calico.dcos.projectDir", "../.."), "benchmark-reports"));
    }

    private static String scrape(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }

    private static double sum(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static Path jar() {
        return Path.of(System.getProperty("calico.dcos.projectDir", "../.."), "controller", "target", "calico-dcos.jar");
    }

}
