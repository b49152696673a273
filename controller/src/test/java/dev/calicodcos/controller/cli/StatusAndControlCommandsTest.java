package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.controller.loop.ScriptedNodeAgents;
import dev.calicodcos.controller.plan.AgentView;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.testkit.EtcdServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * status (the summary, the agents, as a table and as JSON, against what the controller serves), status --wait, pause and
 * resume against a running controller and real etcd.
 */
@Tag("integration")
class StatusAndControlCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EtcdServer etcd;

    private final Cli cli = new Cli(options -> new EtcdKvStore(EtcdClients.connect(options), Duration.ofSeconds(5)));
    private String prefix;
    private KvStore kv;
    private ScriptedNodeAgents nodeAgents;
    private Controller controller;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void setUp() {
        prefix = "/s-" + UUID.randomUUID();
        kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        nodeAgents = new ScriptedNodeAgents(kv, new ClusterKeys(prefix, "default")).start();
    }

    @AfterEach
    void tearDown() {
        nodeAgents.close();
        if (controller != null) {
            controller.close();
        }
        kv.close();
    }

    private void startController() {
        List<AgentView> agents = new ArrayList<>();
        IntStream.rangeClosed(1, 3).forEach(i -> agents.add(new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)));
        controller = Controller.start(new Controller.Settings(new ClusterKeys(prefix, "default"), Duration.ofSeconds(2),
                        Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(2), "test",
                        new InetSocketAddress("127.0.0.1", 0), List.of()),
                EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), () -> agents, (store, leadership, registry) -> NodeAgentFleet.NONE, Clock.systemUTC(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    private Cli.Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--etcd-endpoints", etcd.endpoint(), "--prefix", prefix));
        return cli.run(all.toArray(String[]::new));
    }

    private void apply(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve(UUID.randomUUID() + ".yaml"), yaml);
        assertThat(run("apply", "-f", file.toString()).exitCode()).isZero();
    }

    @Test
    void statusWaitPrintsProgressAndExitsZeroOnceTheNewestSpecIsReady() throws IOException {
        startController();
        apply(Specs.MINIMAL_YAML);

        Cli.Run run = run("status", "--wait", "--timeout", "60s", "--poll", "100ms");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("agents ready", "Ready=True (Converged): 3/3 agents ready");
        assertThat(run.out().lines().count()).isGreaterThan(1);
    }

    @Test
    void statusAsJsonIsTheSummaryTheControllerServesAtApiV1Status() throws IOException {
        startController();
        apply(Specs.MINIMAL_YAML);
        assertThat(run("status", "--wait", "--timeout", "60s", "--poll", "100ms").exitCode()).isZero();

        // Read both until they agree: the controller may write a newer status between the two reads.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Cli.Run run = run("status", "-o", "json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(get("/api/v1/status")));
        });
        JsonNode status = JSON.readTree(run("status", "--output", "json").out());
        assertThat(status.path("observedGeneration").asLong()).isPositive();
        assertThat(status.path("conditions").findValuesAsText("type")).contains("Ready");
        assertThat(status.path("agentCounts").path("READY").asInt()).isEqualTo(3);
        assertThat(status.path("agents").isEmpty()).as("the summary has no rows").isTrue();
    }

    @Test
    void statusAsJsonWithAgentsHasTheRowsTheControllerServesAPageAtATime() throws IOException {
        startController();
        apply(Specs.MINIMAL_YAML);
        assertThat(run("status", "--wait", "--timeout", "60s", "--poll", "100ms").exitCode()).isZero();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Cli.Run run = run("status", "-o", "json", "--agents");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(JSON.readTree(run.out()).path("agents")).isEqualTo(agentsFromTheApi(2));
        });
        JsonNode agents = JSON.readTree(run("status", "-o", "json", "--agents").out()).path("agents");
        assertThat(agents.path("agent-2").path("hostname").asText()).isEqualTo("host-2");
        assertThat(agents.path("agent-2").path("phase").asText()).isEqualTo("READY");
    }

    /** Every row of /api/v1/agents, following the continue tokens with pages of {@code limit}, by agent id. */
    private JsonNode agentsFromTheApi(int limit) throws IOException, InterruptedException {
        ObjectNode rows = JSON.createObjectNode();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = JSON.readTree(get("/api/v1/agents?limit=" + limit + (token == null ? "" : "&continue=" + token)));
            page.path("items").forEach(row -> rows.set(row.path("agentId").asText(), row));
            token = page.path("continue").isNull() ? null : page.path("continue").asText();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(2);
        return rows;
    }

    @Test
    void statusWaitAsJsonPrintsProgressOnStderrAndOnlyTheFinalStatusOnStdout() throws IOException {
        startController();
        apply(Specs.MINIMAL_YAML);

        Cli.Run run = run("status", "--wait", "-o", "json", "--timeout", "60s", "--poll", "100ms");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("Ready=True (Converged): 3/3 agents ready");
        JsonNode status = JSON.readTree(run.out());
        assertThat(status.path("agentCounts").path("READY").asInt()).isEqualTo(3);
        assertThat(status.path("agents").isEmpty()).isTrue();
        JsonNode withRows = JSON.readTree(run("status", "--wait", "-o", "json", "--agents", "--timeout", "60s", "--poll", "100ms").out());
        assertThat(withRows.path("agents").size()).isEqualTo(3);
    }

    @Test
    void anUnknownOutputFormatIsAUsageError() {
        Cli.Run run = run("status", "-o", "xml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).singleElement().asString().startsWith("error: ").contains("xml", "table", "json");
    }

    private String get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void statusPrintsTheSummaryAndStatusAgentsTheAgentStepGrid() throws IOException {
        startController();
        apply(Specs.MINIMAL_YAML);
        assertThat(run("status", "--wait", "--timeout", "60s", "--poll", "100ms").exitCode()).isZero();

        Cli.Run summary = run("status");
        Cli.Run agents = run("status", "--agents");

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.out()).contains("CONDITION", "Ready", "agents: 3 (3 ready)", "rollout: 0 restarts in flight", "STEP",
                "dockerClusterStore").doesNotContain("AGENT", "agent-2");
        assertThat(agents.exitCode()).isZero();
        assertThat(agents.out()).contains("CONDITION", "AGENT", "dockerClusterStore", "agent-2", "host-2", "READY");
        assertThat(run("status", "--phase", "failed,blocked").out()).endsWith("\nno agent matches\n");
    }

    @Test
    void statusWaitExitsOneWhenTheRolloutHaltsAndStatusNamesTheFailedAgent() throws IOException {
        nodeAgents.failOn(List.of("agent-2"));
        startController();
        apply(Specs.MINIMAL_YAML);

        Cli.Run run = run("status", "--wait", "--timeout", "60s", "--poll", "100ms");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Degraded=True (RolloutHalted)");
        List<String> listed = run("status").out().lines().filter(l -> l.startsWith("agent-")).toList();
        assertThat(listed).isNotEmpty();
        assertThat(listed.get(0)).startsWith("agent-2").contains("FAILED");
        JsonNode failed = JSON.readTree(run("status", "-o", "json", "--step", "dockerClusterStore:failed").out()).path("agents");
        assertThat(failed.fieldNames()).toIterable().containsExactly("agent-2");
    }

    @Test
    void aBadPhaseOrStepIsAUsageErrorNamingIt() {
        Cli.Run phase = run("status", "--phase", "failed,broken");
        Cli.Run step = run("status", "--agents", "--step", "cni:stuck");

        assertThat(phase.exitCode()).isEqualTo(2);
        assertThat(phase.err().lines().toList()).singleElement().asString().startsWith("error: --phase: unknown phase 'broken'");
        assertThat(step.exitCode()).isEqualTo(2);
        assertThat(step.err().lines().toList()).singleElement().asString().startsWith("error: --step: unknown step phase 'stuck'");
    }

    @Test
    void statusWaitExitsOneForAnInvalidSpec() throws IOException {
        startController();
        apply(Specs.MINIMAL_YAML);
        long revision = kv.get(new ClusterKeys(prefix, "default").spec()).orElseThrow().modRevision();
        kv.putIfUnchanged(new ClusterKeys(prefix, "default").spec(), "kind: [".getBytes(), revision);

        Cli.Run run = run("status", "--wait", "--timeout", "60s", "--poll", "100ms");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("InvalidSpec=True");
    }

    @Test
    void statusWaitTimesOutWithExitTwo() throws IOException {
        apply(Specs.MINIMAL_YAML);

        Cli.Run run = run("status", "--wait", "--timeout", "1s", "--poll", "100ms");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).contains("waiting for the controller's first status", "timed out after 1s");
    }

    @Test
    void pauseHoldsEveryRestartAndResumeLetsTheRolloutFinish() throws IOException {
        assertThat(run("pause").out()).isEqualTo("calicocluster/default paused\n");
        startController();
        apply(Specs.MINIMAL_YAML);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(run("status").out()).contains("Paused", "PausedByUser", "AWAITING_RESTART"));
        assertThat(nodeAgents.maxConcurrentRestarts()).isZero();

        assertThat(run("resume").out()).isEqualTo("calicocluster/default resumed\n");
        assertThat(run("status", "--wait", "--timeout", "60s", "--poll", "100ms").exitCode()).isZero();
    }

    @Test
    void resumeLiftsAHaltCausedByFailures() throws IOException {
        nodeAgents.failOn(List.of("agent-1"));
        startController();
        apply(Specs.MINIMAL_YAML);
        assertThat(run("status", "--wait", "--timeout", "60s", "--poll", "100ms").exitCode()).isEqualTo(1);

        run("resume");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(nodeAgents.restarts("agent-2")).isEqualTo(1);
            assertThat(nodeAgents.restarts("agent-3")).isEqualTo(1);
        });
    }
}
