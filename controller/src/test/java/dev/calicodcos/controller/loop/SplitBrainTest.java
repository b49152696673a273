package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.election.Leadership;
import dev.calicodcos.controller.fleet.FleetFactory;
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
import dev.calicodcos.testkit.TcpProxy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Split brain: the leader's etcd connection is cut (a TCP proxy the test breaks) and a standby
 * wins. The old leader stops acting on Mesos by its local deadline, before etcd could elect the
 * other (the two never lead at once), and a transaction under its old fence is refused.
 */
@Tag("integration")
class SplitBrainTest {
    private static final Duration TTL = Duration.ofSeconds(4);

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys("/split-brain", "default");
    private final List<AgentView> agents = IntStream.rangeClosed(1, 4)
            .mapToObj(i -> new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)).toList();
    /** Every lead, stand-down and Mesos action of both replicas, in the order they happened. */
    private final List<Act> acts = new CopyOnWriteArrayList<>();
    private EtcdServer etcd;
    private TcpProxy cable;
    private KvStore kv;
    private ScriptedNodeAgents nodeAgents;
    private Controller first;
    private Controller second;

    record Act(String replica, String what, long nanos, Optional<KvStore.Fence> fence) {}

    @BeforeEach
    void start() {
        etcd = EtcdServer.start();
        cable = TcpProxy.to("127.0.0.1", etcd.clientPort());
        kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        nodeAgents = new ScriptedNodeAgents(kv, keys).start();
        first = controller("first", "http://127.0.0.1:" + cable.port());
        await().atMost(Duration.ofSeconds(30)).until(first::isLeader);
        second = controller("second", etcd.endpoint());
    }

    @AfterEach
    void stop() {
        second.close();
        first.close();
        nodeAgents.close();
        kv.close();
        cable.close();
        etcd.close();
    }

    @Test
    void aLeaderCutOffFromEtcdStopsActingBeforeTheStandbyLeadsAndItsFenceIsRefused() {
        put(keys.spec(), Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(30)).until(() -> acts.stream().anyMatch(a -> a.replica().equals("first") && a.what().equals("act")));
        KvStore.Fence oldFence = acts.stream().filter(a -> a.replica().equals("first") && a.what().equals("lead"))
                .reduce((a, b) -> b).orElseThrow().fence().orElseThrow();

        long cutAt = System.nanoTime();
        cable.cut();

        await().atMost(TTL.multipliedBy(4)).until(second::isLeader);
        Act firstDown = acts.stream().filter(a -> a.replica().equals("first") && a.what().equals("standDown")).findFirst().orElseThrow();
        Act secondUp = acts.stream().filter(a -> a.replica().equals("second") && a.what().equals("lead")).findFirst().orElseThrow();
        assertThat(Duration.ofNanos(firstDown.nanos() - cutAt)).as("the old leader stood down within its lease TTL").isLessThan(TTL);
        assertThat(secondUp.nanos()).as("the standby leads only after the old leader stood down").isGreaterThan(firstDown.nanos());
        assertThat(acts.stream().filter(a -> a.replica().equals("first") && a.what().equals("act") && a.nanos() > firstDown.nanos()))
                .as("no Mesos action of the old leader after it stood down").isEmpty();

        cable.restore();
        assertThat(kv.commit(oldFence, List.of(new KvStore.Put(keys.status(), "{}".getBytes(StandardCharsets.UTF_8)))))
                .as("a transaction under the old leader's fence").isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> status().isTrue(Condition.READY));
        assertThat(nodeAgents.maxConcurrentRestarts()).as("the budget held across the split").isEqualTo(1);
        assertThat(first.isLeader()).as("the old leader, reconnected, stays a standby").isFalse();
    }

    private Controller controller(String name, String endpoint) {
        FleetFactory fleets = (store, leadership, registry) -> new RecordingFleet(name, leadership);
        return Controller.start(new Controller.Settings(keys, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30),
                        TTL, name, new InetSocketAddress("127.0.0.1", 0), List.of()),
                EtcdClients.connect(EtcdOptions.plain(endpoint)), () -> agents, fleets, Clock.systemUTC(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** A fleet that records when it leads, stands down and acts (what a Mesos framework would do then). */
    private final class RecordingFleet implements NodeAgentFleet {
        private final String name;
        private final Leadership leadership;
        private volatile boolean leading;

        RecordingFleet(String name, Leadership leadership) {
            this.name = name;
            this.leadership = leadership;
        }

        @Override
        public void lead() {
            leading = true;
            acts.add(new Act(name, "lead", System.nanoTime(), leadership.fence()));
        }

        @Override
        public void standDown() {
            if (leading) {
                leading = false;
                acts.add(new Act(name, "standDown", System.nanoTime(), Optional.empty()));
            }
        }

        @Override
        public void setDesired(Set<String> agentIds) {
            if (leading) {
                acts.add(new Act(name, "act", System.nanoTime(), Optional.empty()));
            }
        }

        @Override
        public void close() {}
    }

    private void put(String key, String value) {
        long current = kv.get(key).map(v -> v.modRevision()).orElse(0L);
        assertThat(kv.putIfUnchanged(key, value.getBytes(StandardCharsets.UTF_8), current)).isPresent();
    }

    private ClusterStatus status() {
        return new ClusterStore(kv, new ClusterDocuments(keys, codec)).status().orElse(ClusterStatus.empty());
    }
}
