package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.controller.plan.AgentView;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.testkit.EtcdServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The controller process against a real etcd, with scripted node agents and an in-memory agent list. */
@Tag("integration")
class ControllerAgainstEtcdTest {
    private static EtcdServer etcd;

    private final List<AgentView> agents = new CopyOnWriteArrayList<>();
    private final List<Controller> controllers = new CopyOnWriteArrayList<>();
    private final SpecCodec codec = new SpecCodec();
    private KvStore kv;
    private ClusterKeys keys;
    private ScriptedNodeAgents nodeAgents;

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
        keys = new ClusterKeys("/t-" + UUID.randomUUID(), "default");
        kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        IntStream.rangeClosed(1, 5).forEach(i -> agents.add(new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)));
        nodeAgents = new ScriptedNodeAgents(kv, keys).start();
    }

    @AfterEach
    void tearDown() {
        nodeAgents.close();
        controllers.forEach(Controller::close);
        kv.close();
    }

    private Controller startController() {
        Controller c = Controller.start(new Controller.Settings(keys, Duration.ofSeconds(2), Duration.ofMillis(200),
                        Duration.ofSeconds(30), Duration.ofSeconds(2), "test-" + controllers.size(),
                        new InetSocketAddress("127.0.0.1", 0), List.of()),
                EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), () -> List.copyOf(agents),
                (store, leadership, registry) -> NodeAgentFleet.NONE, Clock.systemUTC(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        controllers.add(c);
        return c;
    }

    private void applySpec(String yaml) {
        long current = kv.get(keys.spec()).map(v -> v.modRevision()).orElse(0L);
        assertThat(kv.putIfUnchanged(keys.spec(), yaml.getBytes(StandardCharsets.UTF_8), current)).isPresent();
    }

    private ClusterStatus status() {
        return new ClusterStore(kv, new ClusterDocuments(keys, codec)).status().orElse(ClusterStatus.empty());
    }

    @Test
    void fiveAgentsConvergeOneRestartAtATime() {
        startController();
        applySpec(Specs.MINIMAL_YAML);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status().isTrue(Condition.READY)).isTrue());

        assertThat(nodeAgents.maxConcurrentRestarts()).isEqualTo(1);
        agents.forEach(a -> assertThat(nodeAgents.restarts(a.agentId())).isEqualTo(1));
    }

    @Test
    void maxConcurrentRestartsIsUsedButNeverExceeded() throws IOException {
        startController();
        applySpec(Specs.withSpec("rollout:\n  maxConcurrentRestarts: 2\n"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status().isTrue(Condition.READY)).isTrue());

        assertThat(nodeAgents.maxConcurrentRestarts()).isEqualTo(2);
        assertThat(status().events()).extracting(e -> e.reason()).contains("RestartGranted", "AgentReady");
    }

    @Test
    void moreAgentsThanOneEtcdTransactionMayHoldStillConverge() {
        IntStream.rangeClosed(6, 150).forEach(i -> agents.add(new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)));
        startController();
        applySpec(Specs.withSpec("rollout:\n  maxConcurrentRestarts: 50\n"));

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(status().isTrue(Condition.READY)).isTrue());

        assertThat(kv.list(keys.agentsPrefix()).keySet().stream().filter(k -> k.endsWith("/plan"))).hasSize(150);
        assertThat(nodeAgents.maxConcurrentRestarts()).isLessThanOrEqualTo(50);
    }

    @Test
    void anInvalidSpecWrittenDirectlyLeavesPlansAloneAndShowsInvalidSpec() throws IOException {
        startController();
        applySpec(Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status().isTrue(Condition.READY)).isTrue());
        Map<String, ?> plansBefore = kv.list(keys.agentsPrefix()).entrySet().stream()
                .filter(e -> e.getKey().endsWith("/plan")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().modRevision()));

        applySpec(Specs.withSpec("rollout:\n  maxConcurrentRestarts: 0\n"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status().isTrue(Condition.INVALID_SPEC)).isTrue());
        assertThat(status().condition(Condition.INVALID_SPEC).orElseThrow().message()).contains("spec.rollout.maxConcurrentRestarts: must be ≥ 1");
        Map<String, ?> plansAfter = kv.list(keys.agentsPrefix()).entrySet().stream()
                .filter(e -> e.getKey().endsWith("/plan")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().modRevision()));
        assertThat(plansAfter).isEqualTo(plansBefore);
    }

    @Test
    void aStandbyTakesOverWhenTheLeaderDiesAndTheBudgetHolds() {
        Controller first = startController();
        Controller second = startController();
        await().atMost(Duration.ofSeconds(20)).until(() -> first.isLeader() || second.isLeader());
        Controller leader = first.isLeader() ? first : second;
        Controller standby = leader == first ? second : first;
        applySpec(Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeAgents.restarts("agent-1") + nodeAgents.restarts("agent-2") > 0);

        leader.close();

        await().atMost(Duration.ofSeconds(30)).until(standby::isLeader);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status().isTrue(Condition.READY)).isTrue());
        assertThat(nodeAgents.maxConcurrentRestarts()).isEqualTo(1);
        agents.forEach(a -> assertThat(nodeAgents.restarts(a.agentId())).as(a.agentId()).isEqualTo(1));
    }

    @Test
    void httpServesHealthMetricsStatusAndThePage() throws Exception {
        Controller c = startController();
        applySpec(Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status().isTrue(Condition.READY)).isTrue());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + c.httpPort();

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> timeline = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/timeline")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("calico_dcos_reconciles_total", "calico_dcos_agents{phase=\"ready\"} 5.0",
                "calico_dcos_restarts_in_flight", "calico_dcos_reconcile_duration_seconds");
        assertThat(codec.json().readValue(api.body(), ClusterStatus.class).isTrue(Condition.READY)).isTrue();
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        // The page draws itself from the API (its behaviour is tested in a browser, e2e.page): here, that it is served whole.
        assertThat(page.body()).contains("<title>calico-dcos · default</title>", "\"dockerClusterStore\"", "api/v1/status",
                "api/v1/timeline").doesNotContain("@CLUSTER@", "@STEPS@", "@PHASES@");
        assertThat(codec.json().readTree(timeline.body()).findValues("ready")).as("the rollout recorded by the leader")
                .anySatisfy(count -> assertThat(count.asInt()).isEqualTo(5));
    }
}
