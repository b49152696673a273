package dev.calicodcos.e2e.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.e2e.bench.CaseResult.EditFigures;
import dev.calicodcos.e2e.bench.CaseResult.IdleFigures;
import dev.calicodcos.e2e.bench.CaseResult.Outcome;
import dev.calicodcos.e2e.bench.CaseResult.RolloutFigures;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.FreePorts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One case, start to end: a simulated cluster of N agents, the controller as its own process, the
 * simulated node agents; then the rollout of a spec with K concurrent restarts, timed until the
 * controller says Ready or until the case's timeout; then, when asked, the idle and spec-edit phases.
 * Whatever happens, it returns what it measured.
 */
final class CaseRun {
    private static final Duration LEADER_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration FIRST_PLAN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private final EtcdServer etcd;
    private final BenchSettings settings;
    private final BenchCase c;
    private final ClusterKeys keys;
    private final Path controllerLog;
    private final Path jar;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private BenchNodeAgents nodes;
    private ControllerProcess controller;

    CaseRun(EtcdServer etcd, BenchSettings settings, BenchCase c, String prefix, Path reportDir, Path jar) {
        this.etcd = etcd;
        this.settings = settings;
        this.c = c;
        this.keys = new ClusterKeys(prefix, "default");
        this.controllerLog = reportDir.resolve("controller" + prefix.replace('/', '-') + ".log");
        this.jar = jar;
    }

    CaseResult run() {
        List<AgentSpec> agents = IntStream.range(0, c.agents())
                .mapToObj(i -> AgentSpec.privateAgent("10." + (1 + i / 62_500) + "." + (i / 250 % 250) + "." + (i % 250))).toList();
        try (SimulatedCluster sim = SimulatedCluster.builder().agents(agents).heartbeatInterval(Duration.ofSeconds(15)).start();
             Client client = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()));
             BenchNodeAgents fleet = new BenchNodeAgents(client, keys, new BenchNodeAgents.Pacing(c.restart(), c.stability(),
                     settings.agentRecheck(), settings.agentResync()));
             ControllerProcess process = ControllerProcess.start(jar, settings.controllerHeap(), sim.masterUrl(), etcd.endpoint(),
                     keys.prefix(), FreePorts.next(), controllerLog)) {
            nodes = fleet;
            controller = process;
            try {
                return measure(sim, client);
            } catch (Exception | AssertionError e) {
                // Still inside the resources: a controller that is not alive now ended on its own.
                return failed(firstLine(e) + (controller.isAlive() ? "" : "; " + controller.exit()));
            }
        } catch (Exception | AssertionError e) {
            return failed(firstLine(e));
        }
    }

    private CaseResult failed(String detail) {
        return new CaseResult(c, Outcome.FAILED, detail, Optional.empty(), Optional.empty(), Optional.empty(),
                nodes == null ? 0 : nodes.maxConcurrentRestarts(), nodes == null ? 0 : nodes.restarts(), trouble(),
                nodes == null ? Optional.empty() : nodes.firstFailure());
    }

    private CaseResult measure(SimulatedCluster sim, Client client) throws Exception {
        await("the controller leads").atMost(LEADER_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast("the controller exited before it led (" + controllerLog.getFileName() + ")", () -> !controller.isAlive())
                .until(controller::isLeader);
        nodes.start(sim.agents().stream().map(a -> a.id().getValue()).toList());

        Snapshot before = snapshot(client);
        Instant put = Instant.now();
        long revision = putSpec(client, spec(Optional.empty()));
        Optional<Instant> ready = awaitConverged(client, revision, put.plus(c.timeout()));
        Snapshot after = snapshot(client);
        RolloutFigures rollout = new RolloutFigures(ready.map(at -> Duration.between(put, at)),
                nodes.firstPlanAt(revision).map(at -> Duration.between(put, at)),
                nodes.lastDoneAt(revision).map(at -> Duration.between(put, at)), before.to(after), after.controllerHeapPeak(),
                Snapshot.loadAverageNow());
        if (ready.isEmpty()) {
            String detail = (controller.isAlive() ? "did not converge within " + BenchReport.seconds(c.timeout()) + " (3 × lower bound + 60 s)"
                    : "did not converge: the controller exited " + BenchReport.seconds(Duration.between(put, Instant.now())) + " after the spec")
                    + "; "
                    + nodes.doneAt(revision) + " of " + c.agents() + " agents done at revision " + revision
                    + (controller.isAlive() ? "" : "; " + controller.exit())
                    + "; last status: " + describeStatus(client);
            return result(Outcome.DID_NOT_CONVERGE, detail, rollout, Optional.empty(), Optional.empty());
        }
        boolean phases = settings.phasesFor(c);
        Optional<IdleFigures> idle = phases ? settings.idle().map(d -> idle(client, d)) : Optional.empty();
        Optional<EditFigures> edits = phases && settings.edits() > 0 ? Optional.of(edits(client, settings.edits())) : Optional.empty();
        return result(Outcome.CONVERGED, "", rollout, idle, edits);
    }

    private CaseResult result(Outcome outcome, String detail, RolloutFigures rollout, Optional<IdleFigures> idle,
                              Optional<EditFigures> edits) {
        return new CaseResult(c, outcome, detail, Optional.of(rollout), idle, edits, nodes.maxConcurrentRestarts(), nodes.restarts(),
                trouble(), nodes.firstFailure());
    }

    /**
     * When the controller's status said Ready at {@code revision} (or later), after every agent reported
     * done; empty at the deadline, or as soon as the controller has exited.
     */
    private Optional<Instant> awaitConverged(Client client, long revision, Instant deadline) {
        try {
            await().atMost(until(deadline)).pollInterval(POLL).until(() -> nodes.allDoneAt(revision) || !controller.isAlive());
            await().atMost(until(deadline)).pollInterval(POLL).ignoreExceptions()
                    .until(() -> !controller.isAlive() || status(client).map(s -> ready(s, revision)).orElse(false));
            return controller.isAlive() ? Optional.of(Instant.now()) : Optional.empty();
        } catch (ConditionTimeoutException e) {
            return Optional.empty();
        }
    }

    private IdleFigures idle(Client client, Duration length) {
        Snapshot start = snapshot(client);
        Optional<String> stopped = Optional.empty();
        try {
            // The window is the measurement; the condition checks that the controller lives through it.
            await().during(length).atMost(length.plusSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(controller::isAlive);
        } catch (ConditionTimeoutException e) {
            stopped = Optional.of("the controller exited during the idle phase");
        }
        Snapshot end = snapshot(client);
        long heapAfterGc = 0;
        try {
            heapAfterGc = controller.isAlive() ? controller.heapAfterGc() : 0;
        } catch (IOException | RuntimeException e) {
            stopped = Optional.of("no heap after GC: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new IdleFigures(start.to(end), heapAfterGc, end.controllerHeapPeak(), stopped);
    }

    private EditFigures edits(Client client, int count) {
        List<Duration> firstPlan = new ArrayList<>();
        List<Duration> ready = new ArrayList<>();
        Snapshot start = snapshot(client);
        Optional<String> stopped = editUntilStopped(client, count, firstPlan, ready);
        return new EditFigures(count, firstPlan, ready, start.to(snapshot(client)), stopped);
    }

    /** Runs the edits, adding each one's times; returns why it stopped early, if it did. */
    private Optional<String> editUntilStopped(Client client, int count, List<Duration> firstPlan, List<Duration> ready) {
        Duration timeout = Duration.ofSeconds(60).plusMillis(20L * c.agents());
        for (int edit = 1; edit <= count; edit++) {
            Instant put = Instant.now();
            long revision;
            try {
                revision = putSpec(client, spec(Optional.of(edit)));
            } catch (Exception e) {
                return Optional.of("edit " + edit + ": " + firstLine(e));
            }
            try {
                await().atMost(FIRST_PLAN_TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> nodes.firstPlanAt(revision).isPresent());
            } catch (ConditionTimeoutException e) {
                return Optional.of("edit " + edit + ": no plan at revision " + revision + " within " + BenchReport.seconds(FIRST_PLAN_TIMEOUT));
            }
            firstPlan.add(Duration.between(put, nodes.firstPlanAt(revision).orElseThrow()));
            Optional<Instant> readyAt = awaitConverged(client, revision, put.plus(timeout));
            if (readyAt.isEmpty()) {
                return Optional.of("edit " + edit + ": not Ready at revision " + revision + " within " + BenchReport.seconds(timeout)
                        + "; " + nodes.doneAt(revision) + " of " + c.agents() + " agents done");
            }
            ready.add(Duration.between(put, readyAt.get()));
        }
        return Optional.empty();
    }

    /** The case's spec; edit {@code n} sets a node image of its own (the node step's hash changes; no restart). */
    private String spec(Optional<Integer> edit) {
        return "apiVersion: calico-dcos.io/v1\nkind: CalicoCluster\nmetadata:\n  name: default\nspec:\n"
                + "  rollout:\n    maxConcurrentRestarts: " + c.budget() + "\n"
                + edit.map(n -> "  node:\n    image: calico/node:v2.6.12-edit" + n + "\n").orElse("");
    }

    private long putSpec(Client client, String spec) throws Exception {
        return client.getKVClient().put(bytes(keys.spec()), ByteSequence.from(spec, StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
    }

    private Snapshot snapshot(Client client) {
        Instant at = Instant.now();
        PromText controllerMetrics;
        try {
            controllerMetrics = controller.scrape();
        } catch (RuntimeException e) {
            controllerMetrics = PromText.EMPTY;
        }
        return new Snapshot(at, controllerMetrics, etcdMetrics(), benchCpuSeconds(), Snapshot.machineCpuNow(), nodes.counts(),
                etcdRevision(client));
    }

    private PromText etcdMetrics() {
        try {
            return PromText.parse(http.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/metrics")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return PromText.EMPTY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PromText.EMPTY;
        }
    }

    private long etcdRevision(Client client) {
        try {
            return client.getKVClient().get(bytes(keys.spec())).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (Exception e) {
            return 0;
        }
    }

    private static double benchCpuSeconds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    private Optional<JsonNode> status(Client client) throws Exception {
        GetResponse response = client.getKVClient().get(bytes(keys.status())).get(10, TimeUnit.SECONDS);
        if (response.getKvs().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(json.readTree(response.getKvs().get(0).getValue().getBytes()));
    }

    /** Read from the JSON, not the status record, so that a changing status document still answers these fields. */
    private static boolean ready(JsonNode status, long revision) {
        return status.path("appliedGeneration").asLong() >= revision && StreamSupport.stream(status.path("conditions").spliterator(), false)
                .anyMatch(condition -> condition.path("type").asText().equals("Ready") && condition.path("status").asText().equals("True"));
    }

    private String describeStatus(Client client) {
        try {
            return status(client).map(s -> "generation observed " + s.path("observedGeneration").asLong() + ", applied "
                    + s.path("appliedGeneration").asLong() + "; conditions: "
                    + StreamSupport.stream(s.path("conditions").spliterator(), false)
                    .map(cond -> cond.path("type").asText() + "=" + cond.path("status").asText() + " (" + cond.path("reason").asText()
                            + ": " + cond.path("message").asText() + ")").toList()
                    + (s.has("agentCounts") ? "; agents " + s.path("agentCounts") : "")
                    + (s.path("rollout").has("grantsInFlight") ? "; grants in flight " + s.path("rollout").path("grantsInFlight") : ""))
                    .orElse("none written");
        } catch (Exception e) {
            return "unreadable: " + firstLine(e);
        }
    }

    private List<String> trouble() {
        return controller == null ? List.of() : ControllerProcess.troubleLines(controller.trouble(8));
    }

    private static Duration until(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(POLL) > 0 ? left : POLL.multipliedBy(2);
    }

    private static String firstLine(Throwable e) {
        String text = String.valueOf(e);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }
}
