package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.plan.AgentView;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An ambiguous commit on the wire: the leader's transaction that grants a restart reaches etcd
 * through a TCP proxy, etcd applies it, and the proxy drops every byte etcd sends back on that
 * connection, then resets it. The controller's one etcd connection carried its watch too, so its
 * view of the cluster lacks the grant as well. The retry must plan from what etcd holds: the grant
 * counted once, not rewritten, not issued to anyone else.
 */
@Tag("integration")
class AmbiguousCommitOverTcpTest {
    /** Only a plan that grants a restart holds this field: the JSON leaves an absent grant out. */
    private static final byte[] GRANT = "\"restartGrant\"".getBytes(StandardCharsets.UTF_8);

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys("/ambiguous", "default");
    private final ClusterDocuments documents = new ClusterDocuments(keys, codec);
    private final List<AgentView> agents = IntStream.rangeClosed(1, 3)
            .mapToObj(i -> new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)).toList();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private EtcdServer etcd;
    private TcpProxy wire;
    private KvStore direct;
    private Controller controller;
    private ScriptedNodeAgents nodeAgents;

    @BeforeEach
    void start() {
        etcd = EtcdServer.start();
        wire = TcpProxy.to("127.0.0.1", etcd.clientPort());
        direct = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        controller = Controller.start(new Controller.Settings(keys, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30),
                        Duration.ofSeconds(10), "solo", new InetSocketAddress("127.0.0.1", 0), List.of()),
                EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + wire.port())), () -> agents, new LeadershipLog().fleetOf("solo"),
                Clock.systemUTC(), metrics);
        await().atMost(Duration.ofSeconds(30)).until(controller::isLeader);
    }

    @AfterEach
    void stop() {
        if (nodeAgents != null) {
            nodeAgents.close();
        }
        controller.close();
        direct.close();
        wire.close();
        etcd.close();
    }

    @Test
    void aGrantWhoseCommitAnswerIsLostOnTheWireIsCountedOnceNeitherRewrittenNorIssuedAgain() {
        put(keys.spec(), Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(30)).until(() -> agents.stream().allMatch(a -> direct.get(keys.plan(a.agentId())).isPresent()));

        CompletableFuture<Void> grantSent = wire.loseAnswersAfter(GRANT);
        agents.forEach(a -> awaitingRestart(a.agentId()));
        await().atMost(Duration.ofSeconds(30)).until(grantSent::isDone);
        await().atMost(Duration.ofSeconds(10)).until(() -> !granted().isEmpty());
        Map<String, Long> landed = granted();
        assertThat(landed).as("agents holding a grant in etcd, with the plan's mod revision").hasSize(1);
        assertThat(controller.isLeader()).as("still the leader while it waits for the answer").isTrue();

        double failures = errors();
        wire.setLatency(Duration.ofMillis(200)); // the link stays slow: re-reading the cluster takes round trips, a retry none
        wire.cut();
        wire.restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> errors() > failures);
        double passes = passes();
        await().atMost(Duration.ofSeconds(60)).until(() -> passes() >= passes + 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(granted())
                .as("agents holding a grant after the retry, with the plan's mod revision: the same plan, not rewritten").isEqualTo(landed));

        ClusterStatus status = status();
        assertThat(grantsByAgent(status)).as("RestartGranted events").isEqualTo(Map.of(landed.keySet().iterator().next(), 1L));
        assertThat(status.rollout().grantsInFlight()).as("grants the budget counts").isEqualTo(1);
        assertThat(controller.isLeader()).as("still the leader").isTrue();

        wire.setLatency(Duration.ZERO);
        nodeAgents = new ScriptedNodeAgents(direct, keys).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> status().isTrue(Condition.READY));
        assertThat(nodeAgents.maxConcurrentRestarts()).as("the budget held").isEqualTo(1);
        assertThat(agents).allSatisfy(a -> assertThat(nodeAgents.restarts(a.agentId())).as(a.agentId() + " restarts").isEqualTo(1));
        assertThat(grantsByAgent(status())).as("RestartGranted events per agent")
                .isEqualTo(Map.of("agent-1", 1L, "agent-2", 1L, "agent-3", 1L));
    }

    /** The report a node agent writes while its Docker restart waits for a grant (as {@link ScriptedNodeAgents} writes it). */
    private void awaitingRestart(String agentId) {
        AgentPlan plan = read(direct.get(keys.plan(agentId)).orElseThrow(), AgentPlan.class);
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            StepPhase phase = step == StepName.DOCKER_CLUSTER_STORE ? StepPhase.AWAITING_RESTART : StepPhase.PENDING;
            String hash = step == StepName.DOCKER_CLUSTER_STORE ? "docker-" + plan.stepHashes().get(step) : plan.stepHashes().get(step);
            steps.put(step, new StepReport(phase, hash, Optional.of(hash), Optional.empty(), phase.name().toLowerCase(), Instant.EPOCH));
        }
        put(keys.report(agentId), new String(documents.encode(new AgentReport(agentId, "scripted", plan.specRevision(),
                new AgentFacts(agentId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                List.of(), steps, Instant.EPOCH)), StandardCharsets.UTF_8));
    }

    /** The agents whose plan in etcd grants a restart, with that plan's mod revision. */
    private Map<String, Long> granted() {
        Map<String, Long> out = new TreeMap<>();
        for (AgentView a : agents) {
            direct.get(keys.plan(a.agentId())).filter(v -> read(v, AgentPlan.class).restartGrant().isPresent())
                    .ifPresent(v -> out.put(a.agentId(), v.modRevision()));
        }
        return out;
    }

    private double errors() {
        return metrics.get("calico_dcos_reconcile_errors").counter().count();
    }

    private double passes() {
        return metrics.find("calico_dcos_reconciles").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static Map<String, Long> grantsByAgent(ClusterStatus status) {
        return status.events().stream().filter(e -> e.reason().equals("RestartGranted"))
                .collect(Collectors.groupingBy(ClusterEvent::agentId, Collectors.counting()));
    }

    private <T> T read(Versioned value, Class<T> type) {
        try {
            return codec.json().readValue(value.value(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(String key, String value) {
        long current = direct.get(key).map(Versioned::modRevision).orElse(0L);
        assertThat(direct.putIfUnchanged(key, value.getBytes(StandardCharsets.UTF_8), current)).isPresent();
    }

    private ClusterStatus status() {
        return new ClusterStore(direct, new ClusterDocuments(keys, codec)).status().orElse(ClusterStatus.empty());
    }
}
