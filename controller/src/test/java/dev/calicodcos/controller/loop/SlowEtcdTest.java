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
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A slow etcd: every byte between etcd and the controllers and node agents goes through a proxy
 * that delays it. A delay well above a pass's usual time but well inside the lease's margin changes
 * nothing but the pace: one leader throughout, the budget held, every grant issued once, ready all
 * along. A delay longer than the lease makes the leader stand down by its local deadline, and once
 * etcd is fast again a replica leads and finishes the rollout, each agent restarted once.
 */
@Tag("integration")
class SlowEtcdTest {
    /** The lease: its margin is 1.2 s, and a replica stands down 4.8 s after the last renewal etcd answered was sent. */
    private static final Duration TTL = Duration.ofSeconds(6);
    /** Each way: a round trip takes twice this, ten times a usual pass of ~50 ms, and well inside the lease's margin. */
    private static final Duration SLOW = Duration.ofMillis(250);

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys("/slow-etcd", "default");
    private final List<AgentView> agents = IntStream.rangeClosed(1, 3)
            .mapToObj(i -> new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)).toList();
    private final LeadershipLog log = new LeadershipLog();
    private final PrometheusMeterRegistry firstMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<String> notReady = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private EtcdServer etcd;
    private TcpProxy link;
    private KvStore direct;
    private KvStore agentsKv;
    private ScriptedNodeAgents nodeAgents;
    private Controller first;
    private Controller second;

    @BeforeEach
    void start() {
        etcd = EtcdServer.start();
        link = TcpProxy.to("127.0.0.1", etcd.clientPort());
        link.setLatency(SLOW);
        direct = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        agentsKv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(slowEndpoint())), Duration.ofSeconds(10));
        long before = System.nanoTime();
        agentsKv.revision();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).as("a round trip through the slow link").isGreaterThan(SLOW.multipliedBy(2));
        nodeAgents = new ScriptedNodeAgents(agentsKv, keys).start();
        first = controller("first", firstMetrics);
        await().atMost(Duration.ofSeconds(30)).until(first::isLeader);
        second = controller("second", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterEach
    void stop() {
        probes.shutdownNow();
        second.close();
        first.close();
        nodeAgents.close();
        agentsKv.close();
        direct.close();
        link.close();
        etcd.close();
    }

    @Test
    void aLeaderWhoseEtcdAnswersInHalfASecondKeepsLeadingAndTheRolloutConvergesWithinTheBudgetReadyAllAlong() {
        probeReadiness("first", first);
        probeReadiness("second", second);
        long started = System.nanoTime();
        put(keys.spec(), Specs.MINIMAL_YAML);

        await().atMost(Duration.ofSeconds(180)).until(() -> status().isTrue(Condition.READY));
        Duration rollout = Duration.ofNanos(System.nanoTime() - started);
        await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(3)).until(first::isLeader);

        Timer passes = firstMetrics.get("calico_dcos_reconcile_duration").timer();
        System.out.printf("slow etcd %d ms each way: rollout of %d agents %d ms; leader's passes %d, mean %.0f ms, max %.0f ms;"
                        + " leadership changes %s%n", SLOW.toMillis(), agents.size(), rollout.toMillis(), passes.count(),
                passes.mean(TimeUnit.MILLISECONDS), passes.max(TimeUnit.MILLISECONDS), log.changes());
        assertThat(log.changes()).as("leadership changes: the first replica leads throughout").containsExactly("first+");
        assertThat(passes.max(TimeUnit.MILLISECONDS)).as("the slowest pass (ms): the delay was in force")
                .isGreaterThan(SLOW.multipliedBy(2).toMillis());
        assertThat(nodeAgents.maxConcurrentRestarts()).as("the budget held").isEqualTo(1);
        assertThat(agents).allSatisfy(a -> assertThat(nodeAgents.restarts(a.agentId())).as(a.agentId() + " restarts").isEqualTo(1));
        assertThat(grantsByAgent()).as("restart grants issued per agent")
                .isEqualTo(Map.of("agent-1", 1L, "agent-2", 1L, "agent-3", 1L));
        assertThat(notReady).as("/readyz answers that were not 200").isEmpty();
    }

    @Test
    void aLeaderWhoseEtcdAnswersSlowerThanItsLeaseStandsDownAndOnceEtcdIsFastAgainTheRolloutFinishesEachAgentRestartedOnce() {
        put(keys.spec(), Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(60)).until(() -> agents.stream().anyMatch(a -> nodeAgents.restarts(a.agentId()) > 0));

        long slowedAt = System.nanoTime();
        link.setLatency(TTL.plusSeconds(2));
        await().atMost(TTL.multipliedBy(3)).until(() -> !first.isLeader() && !second.isLeader());
        LeadershipLog.Entry down = log.of(LeadershipLog.Kind.STAND_DOWN).get(0);
        assertThat(Duration.ofNanos(down.nanos() - slowedAt)).as("the leader stood down within its lease TTL").isLessThan(TTL);
        await().during(TTL).atMost(TTL.multipliedBy(2)).until(() -> !first.isLeader() && !second.isLeader());

        link.setLatency(SLOW);
        long fastAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> first.isLeader() || second.isLeader());
        Duration leaderless = Duration.ofNanos(System.nanoTime() - fastAt);
        await().atMost(Duration.ofSeconds(180)).until(() -> status().isTrue(Condition.READY));

        System.out.printf("etcd slower than the lease: stood down %d ms after; a leader again %d ms after the delay dropped;"
                        + " leadership changes %s%n", Duration.ofNanos(down.nanos() - slowedAt).toMillis(), leaderless.toMillis(),
                log.changes());
        log.entries().stream().filter(e -> e.kind() != LeadershipLog.Kind.ACT)
                .forEach(e -> System.out.printf("  %+6d ms %s %s%n", (e.nanos() - slowedAt) / 1_000_000, e.replica(), e.kind()));
        System.out.printf("  fast again at %+6d ms%n", (fastAt - slowedAt) / 1_000_000);
        assertThat(log.changes()).as("leadership changes: one stand-down, then one replica leads").hasSize(3)
                .startsWith("first+", "first-");
        assertThat(log.overlaps()).as("two replicas leading at once").isEmpty();
        assertThat(log.entries().stream().filter(e -> e.kind() == LeadershipLog.Kind.ACT && e.nanos() > down.nanos() && e.nanos() < fastAt))
                .as("Mesos actions while etcd was slower than the lease").isEmpty();
        assertThat(nodeAgents.maxConcurrentRestarts()).as("the budget held").isEqualTo(1);
        assertThat(agents).allSatisfy(a -> assertThat(nodeAgents.restarts(a.agentId())).as(a.agentId() + " restarts").isEqualTo(1));
        assertThat(grantsByAgent()).as("restart grants issued per agent")
                .isEqualTo(Map.of("agent-1", 1L, "agent-2", 1L, "agent-3", 1L));
    }

    private String slowEndpoint() {
        return "http://127.0.0.1:" + link.port();
    }

    private Controller controller(String name, PrometheusMeterRegistry registry) {
        return Controller.start(new Controller.Settings(keys, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30),
                        TTL, name, new InetSocketAddress("127.0.0.1", 0), List.of()),
                EtcdClients.connect(EtcdOptions.plain(slowEndpoint())), () -> agents, log.fleetOf(name), Clock.systemUTC(), registry);
    }

    /** Asks the replica's {@code /readyz} every half second and keeps every answer that is not 200. */
    private void probeReadiness(String name, Controller replica) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.httpPort() + "/readyz"))
                .timeout(Duration.ofSeconds(20)).build();
        probes.scheduleWithFixedDelay(() -> {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    notReady.add(name + ": " + response.statusCode() + " " + response.body().strip());
                }
            } catch (Exception e) {
                notReady.add(name + ": " + e);
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
    }

    private Map<String, Long> grantsByAgent() {
        return status().events().stream().filter(e -> e.reason().equals("RestartGranted"))
                .collect(Collectors.groupingBy(ClusterEvent::agentId, Collectors.counting()));
    }

    private void put(String key, String value) {
        long current = direct.get(key).map(v -> v.modRevision()).orElse(0L);
        assertThat(direct.putIfUnchanged(key, value.getBytes(StandardCharsets.UTF_8), current)).isPresent();
    }

    private ClusterStatus status() {
        return new ClusterStore(direct, new ClusterDocuments(keys, codec)).status().orElse(ClusterStatus.empty());
    }
}
