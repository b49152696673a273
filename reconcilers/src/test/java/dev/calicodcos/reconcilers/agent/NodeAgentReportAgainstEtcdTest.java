package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.RecordingServices;
import dev.calicodcos.reconcilers.StubbedHosts;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.TestSpecs;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node agent's report against a real etcd, through a proxy the test can cut: an etcd restart
 * must not take the report away (its lease is renewed on jetcd's new stream, and etcd gives leases
 * a fresh TTL when it starts), and after an outage longer than the lease the report is back soon
 * after etcd is. A report that vanished while the agent runs shows the agent LOST in the status.
 */
@Tag("integration")
class NodeAgentReportAgainstEtcdTest {
    private static final Duration LEASE_TTL = Duration.ofSeconds(6);

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys(ClusterKeys.DEFAULT_PREFIX, "default");
    private final String reportKey = keys.report("agent-1");
    private EtcdServer etcd;
    private TcpProxy proxy;
    private KvStore direct;
    private KvStore throughProxy;
    private NodeAgent nodeAgent;
    private Thread loop;

    @TempDir
    Path root;

    @BeforeEach
    void start() throws IOException {
        etcd = EtcdServer.start();
        proxy = TcpProxy.to("127.0.0.1", etcd.clientPort());
        direct = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        throughProxy = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + proxy.port())), Duration.ofSeconds(5));
        Files.createDirectories(root.resolve("etc/docker"));
        RecordingServices services = new RecordingServices(Clock.systemUTC()).active("docker", Instant.now().minus(Duration.ofHours(1)));
        Duration never = Duration.ofHours(1); // only a wake-up (a plan change, a lost lease, a deleted report) makes it pass again
        nodeAgent = new NodeAgent(new NodeAgentConfig("agent-1", keys, never, never, LEASE_TTL), throughProxy,
                StubbedHosts.runner(root, services, Optional.of("20.10.24")), codec);
        loop = new Thread(nodeAgent::run, "node-agent");
        loop.start();
        writePlan();
        await().atMost(Duration.ofSeconds(30)).until(() -> direct.get(reportKey).isPresent());
    }

    @AfterEach
    void stop() throws InterruptedException {
        nodeAgent.close();
        loop.join(10_000);
        throughProxy.close();
        direct.close();
        proxy.close();
        etcd.close();
    }

    @Test
    void anEtcdRestartDoesNotTakeTheReportAway() throws Exception {
        List<KvStore.Change> changes = watchReport();
        long lease = leaseOfReport();

        etcd.restart();

        // Past a whole TTL after etcd is back: the first lease, renewed on jetcd's new stream, still holds the report.
        await().during(LEASE_TTL.plusSeconds(3)).atMost(LEASE_TTL.plusSeconds(20)).ignoreExceptions()
                .until(() -> direct.get(reportKey).isPresent());
        assertThat(changes).as("the report's changes: a rewrite is fine, a deletion is not").noneMatch(c -> c.value().isEmpty());
        assertThat(leaseOfReport()).as("the same lease: a break of the keep-alive stream is not a lost lease").isEqualTo(lease);
    }

    @Test
    void afterAnOutageLongerThanTheLeaseTheReportIsBackSoonAfterEtcd() {
        List<KvStore.Change> changes = watchReport();

        proxy.cut();
        await().atMost(LEASE_TTL.plusSeconds(20)).until(() -> changes.stream().anyMatch(c -> c.value().isEmpty()));
        Instant back = Instant.now();
        proxy.restore();

        await().atMost(Duration.ofSeconds(30)).until(() -> direct.get(reportKey).isPresent());
        System.out.println("report back " + Duration.between(back, Instant.now()).toMillis() + " ms after etcd was reachable again");
    }

    /** The lease the report is attached to, which {@link KvStore} does not show. */
    private long leaseOfReport() throws Exception {
        try (Client raw = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()))) {
            return raw.getKVClient().get(ByteSequence.from(reportKey, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS)
                    .getKvs().get(0).getLease();
        }
    }

    private List<KvStore.Change> watchReport() {
        List<KvStore.Change> changes = new CopyOnWriteArrayList<>();
        direct.watchKey(reportKey, direct.revision() + 1, changes::addAll, error -> { });
        return changes;
    }

    /** As the leader writes them: the spec in force first, then the plan naming its revision. */
    private void writePlan() {
        ResolvedPlan resolved = TestHost.plan(TestSpecs.ONLY_DOCKER);
        AgentPlan plan = resolved.plan();
        direct.putIfUnchanged(keys.specInForce(), json(new SpecInForce(1, resolved.spec())), 0);
        direct.putIfUnchanged(keys.plan("agent-1"), json(new AgentPlan(plan.agentId(), 1, plan.stepHashes(), plan.restartGrant(),
                plan.paused(), plan.uninstall())), 0);
    }

    private byte[] json(Object document) {
        return codec.toJson(document).getBytes(StandardCharsets.UTF_8);
    }
}
