package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.SharedDockerd;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.TestSpecs;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Executables;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent loop on its production store against a real etcd (plans in, reports out under a
 * lease) on a test host with a real dockerd; the test reads and writes etcd with a client of its own.
 */
@Tag("integration")
class NodeAgentTest {
    private static EtcdServer etcdServer;

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys(ClusterKeys.DEFAULT_PREFIX, "default");

    @TempDir
    Path downloads;

    private TestHost agent;
    private Client etcd;
    private KvStore store;
    private NodeAgent nodeAgent;
    private Thread loop;

    @BeforeAll
    static void startEtcd() {
        assumeTrue(Executables.find("etcd").isPresent(), "etcd is not installed (apt-get install etcd-server)");
        etcdServer = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcdServer != null) {
            etcdServer.close();
        }
    }

    @BeforeEach
    void setUp() {
        agent = TestHost.withDocker();
        agent.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos 1.4.0'");
        etcd = EtcdClients.connect(EtcdOptions.plain(etcdServer.endpoint()));
        NodeAgentConfig config = new NodeAgentConfig("agent-1", keys, Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofSeconds(5));
        store = NodeAgentFactory.store(EtcdOptions.plain(etcdServer.endpoint()));
        nodeAgent = new NodeAgent(config, store, agent.runner(), codec);
        loop = new Thread(nodeAgent::run, "node-agent");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodeAgent.close();
        loop.join(30_000);
        store.close();
        etcd.getKVClient().delete(bytes("/"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS);
        etcd.close();
        agent.close();
    }

    @Test
    void convergesOnThePlanInEtcdAndReportsUnderALease() throws Exception {
        writePlan(plan(cniAndContainers()));
        loop.start();

        AgentReport report = awaitReport(r -> allSettled(r));

        assertThat(report.steps().get(StepName.NODE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(report.facts().ip()).contains("10.0.0.5");
        assertThat(reportKey().getLease()).isNotZero();
    }

    @Test
    void aPlanNamingASpecRevisionNotYetInForceWaitsForItThenConverges() throws Exception {
        ResolvedPlan plan = plan(cniAndContainers());
        writeSpecInForce(new SpecInForce(plan.plan().specRevision() - 1, plan.spec()));
        writePlanOnly(plan.plan());
        loop.start();

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> nodeAgent.lastReport().isEmpty());
        writeSpecInForce(new SpecInForce(plan.plan().specRevision(), plan.spec()));
        writePlanOnly(plan.plan().withRestartGrant(Optional.empty())); // the plan's watch wakes the agent

        AgentReport report = awaitReport(r -> allSettled(r));
        assertThat(report.specRevision()).isEqualTo(plan.plan().specRevision());
    }

    @Test
    void restartsDockerOnlyAfterTheGrantArrives() throws Exception {
        ResolvedPlan plan = plan(TestSpecs.ONLY_DOCKER);
        writePlan(plan);
        loop.start();

        AgentReport waiting = awaitReport(r -> r.steps().get(StepName.DOCKER_CLUSTER_STORE).phase() == StepPhase.AWAITING_RESTART);
        assertThat(agent.systemctl().restartsOf("docker")).isZero();
        String hash = waiting.steps().get(StepName.DOCKER_CLUSTER_STORE).desiredHash();
        writePlan(plan.withRestartGrant(Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, hash, Instant.now()))));

        awaitReport(r -> r.steps().get(StepName.DOCKER_CLUSTER_STORE).phase() == StepPhase.DONE);
        assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(1);
    }

    @Test
    void repairsDriftOnItsOwn() throws Exception {
        writePlan(plan(cniAndContainers()));
        loop.start();
        awaitReport(NodeAgentTest::allSettled);

        Files.delete(agent.path("/opt/mesosphere/etc/dcos/network/cni/calico.cni"));

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(agent.path("/opt/mesosphere/etc/dcos/network/cni/calico.cni")));
    }

    @Test
    void theReportGoesAwayWithTheNodeAgent() throws Exception {
        writePlan(plan(cniAndContainers()));
        loop.start();
        awaitReport(NodeAgentTest::allSettled);

        nodeAgent.close();

        await().atMost(Duration.ofSeconds(15)).until(() -> reportKeyOrNull() == null);
    }

    @Test
    void aNodeAgentThatDiesWithoutClosingIsLostWhenItsLeaseExpires() throws Exception {
        writePlan(plan(cniAndContainers()));
        KvStore ownStore = NodeAgentFactory.store(EtcdOptions.plain(etcdServer.endpoint()));
        NodeAgentConfig config = new NodeAgentConfig("agent-1", keys, Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofSeconds(3));
        NodeAgent dying = new NodeAgent(config, ownStore, agent.runner(), codec);
        Thread dyingLoop = new Thread(dying::run, "dying-node-agent");
        dyingLoop.start();
        awaitReport(NodeAgentTest::allSettled);

        ownStore.close(); // its connection to etcd is gone: no keep-alive, no revoke, like kill -9

        await().atMost(Duration.ofSeconds(20)).until(() -> reportKeyOrNull() == null);
        dying.close();
        dyingLoop.join(30_000);
    }

    private static boolean allSettled(AgentReport report) {
        return report.steps().size() == StepName.values().length && report.steps().values().stream().allMatch(s -> s.phase().settled());
    }

    private AgentReport awaitReport(java.util.function.Predicate<AgentReport> condition) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Optional.ofNullable(reportKeyOrNull()).map(this::parse).orElse(null),
                        r -> r != null && condition.test(r));
    }

    private AgentReport parse(KeyValue kv) {
        try {
            return codec.json().readValue(kv.getValue().getBytes(), AgentReport.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private KeyValue reportKey() {
        return Optional.ofNullable(reportKeyOrNull()).orElseThrow();
    }

    private KeyValue reportKeyOrNull() {
        try {
            List<KeyValue> kvs = etcd.getKVClient().get(bytes(keys.report("agent-1"))).get(5, TimeUnit.SECONDS).getKvs();
            return kvs.isEmpty() ? null : kvs.get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** As the leader writes them: the spec in force first, then the plan that names its revision. */
    private void writePlan(ResolvedPlan plan) throws Exception {
        writeSpecInForce(new SpecInForce(plan.plan().specRevision(), plan.spec()));
        writePlanOnly(plan.plan());
    }

    private void writeSpecInForce(SpecInForce spec) throws Exception {
        etcd.getKVClient().put(bytes(keys.specInForce()), bytes(codec.toJson(spec))).get(5, TimeUnit.SECONDS);
    }

    private void writePlanOnly(AgentPlan plan) throws Exception {
        etcd.getKVClient().put(bytes(keys.plan("agent-1")), bytes(codec.toJson(plan))).get(5, TimeUnit.SECONDS);
    }

    private ResolvedPlan plan(String specYaml) {
        return TestHost.plan(specYaml);
    }

    private String cniAndContainers() throws Exception {
        Map<String, String> plugins = Map.of("calico", "calico v1", "calico-ipam", "ipam v1");
        for (var p : plugins.entrySet()) {
            Files.writeString(downloads.resolve(p.getKey()), p.getValue());
        }
        return """
                etcd:
                  endpoints: ["http://127.0.0.1:2379"]
                etcdProxy: {enabled: false}
                dockerClusterStore: {enabled: false}
                cni:
                  plugins:
                    calico: {url: "%1$s", sha256: "%2$s"}
                    calicoIpam: {url: "%3$s", sha256: "%4$s"}
                libnetwork: {image: "%5$s", privileged: false}
                node: {image: "%5$s", privileged: false}
                """.formatted(downloads.resolve("calico").toUri(), StepHashes.sha256("calico v1"),
                downloads.resolve("calico-ipam").toUri(), StepHashes.sha256("ipam v1"), SharedDockerd.IMAGE);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
