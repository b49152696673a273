package dev.calicodcos.reconcilers.etcdproxy;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.agent.NodeAgentSteps;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.etcd.EtcdClients;
import dev.calicodcos.reconcilers.etcd.EtcdOptions;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Executables;
import dev.calicodcos.testkit.FreePorts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real {@code etcd gateway} in front of a real etcd, checked by reading a key through it. */
class EtcdProxyReconcilerTest {
    private static EtcdServer etcd;

    private TestHost agent;
    private int listenPort;

    @BeforeAll
    static void startEtcd() {
        assumeTrue(Executables.find("etcd").isPresent(), "etcd is not installed (apt-get install etcd-server)");
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        agent = TestHost.withDocker();
        Path binary = agent.path("/opt/calico-dcos/bin/etcd");
        Files.createDirectories(binary.getParent());
        Files.createSymbolicLink(binary, Executables.find("etcd").orElseThrow());
        listenPort = FreePorts.next();
    }

    @AfterEach
    void tearDown() {
        agent.runner().runOnce(plan(spec("enabled: false")), Optional.empty()); // stops the gateway
        agent.close();
    }

    private String spec(String proxy) {
        return """
                etcd:
                  endpoints: ["http://127.0.0.1:%1$d"]
                dockerClusterStore: {enabled: false}
                cni: {enabled: false}
                libnetwork: {enabled: false}
                node: {enabled: false}
                etcdProxy:
                  listenAddress: 127.0.0.1:%1$d
                %2$s
                """.formatted(listenPort, proxy.indent(2));
    }

    private String staticUpstream() {
        return "upstreamEndpoints: [\"" + etcd.endpoint() + "\"]";
    }

    @Test
    void runsAGatewayThatAnswersAClientRead() throws Exception {
        AgentReport report = converge(agent.runner(), plan(spec(staticUpstream())));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        try (Client upstream = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()));
             Client throughProxy = EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + listenPort))) {
            ByteSequence key = ByteSequence.from("/test/key", StandardCharsets.UTF_8);
            upstream.getKVClient().put(key, ByteSequence.from("v1", StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            var read = throughProxy.getKVClient().get(key).get(5, TimeUnit.SECONDS);
            assertThat(read.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("v1");
        }
    }

    @Test
    void runsAV2ProxyThatAnswersAV2ClientRead() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(etcd.endpoint() + "/v2/keys/calico-dcos-test"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("value=through-v2")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());

        AgentReport report = converge(agent.runner(), plan(spec("mode: v2proxy\nupstreamEndpoints: [\"" + etcd.peerEndpoint() + "\"]")));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).as(step(report, StepName.ETCD_PROXY).message()).isEqualTo(StepPhase.DONE);
        String body = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + listenPort + "/v2/keys/calico-dcos-test")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).contains("through-v2");
    }

    @Test
    void aNewNodeAgentAdoptsTheRunningGateway() {
        AgentReport done = converge(agent.runner(), plan(spec(staticUpstream())));
        String pid = agent.read("/var/lib/calico-dcos/etcd-proxy.json");

        AgentReport again = agent.runner().runOnce(plan(spec(staticUpstream())), Optional.of(done));

        assertThat(step(again, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.read("/var/lib/calico-dcos/etcd-proxy.json")).isEqualTo(pid);
    }

    @Test
    void aGatewayThatDiedIsStartedAgain() throws Exception {
        converge(agent.runner(), plan(spec(staticUpstream())));
        long pid = Long.parseLong(agent.read("/var/lib/calico-dcos/etcd-proxy.json").replaceAll(".*\"pid\":(\\d+).*", "$1"));
        ProcessHandle gateway = ProcessHandle.of(pid).orElseThrow();
        gateway.destroyForcibly();
        gateway.onExit().get(10, TimeUnit.SECONDS);

        AgentReport repaired = converge(agent.runner(), plan(spec(staticUpstream())));

        assertThat(step(repaired, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.read("/var/lib/calico-dcos/etcd-proxy.json")).doesNotContain("\"pid\":" + pid + ",");
    }

    @Test
    void srvDiscoveryPassesTheResolvedClientEndpoints() {
        String hostPort = etcd.endpoint().replace("http://", "");
        SrvResolver dns = name -> Map.of("_etcd-server._client.etcd.mesos", List.of(hostPort)).getOrDefault(name, List.of());
        StepRunner runner = NodeAgentSteps.runner(agent.host(), TestHost.NODE_NAME, Clock.systemUTC(), CrashPoints.NONE,
                dns, new JetcdProbe(Duration.ofSeconds(3)));

        AgentReport report = converge(runner, plan(spec("discoverySrv: etcd.mesos")));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(step(report, StepName.ETCD_PROXY).message()).contains("answers");
    }

    @Test
    void noSrvRecordsIsAClearFailure() {
        StepRunner runner = NodeAgentSteps.runner(agent.host(), TestHost.NODE_NAME, Clock.systemUTC(), CrashPoints.NONE,
                name -> List.of(), new JetcdProbe(Duration.ofSeconds(3)));

        AgentReport report = runner.runOnce(plan(spec("discoverySrv: etcd.mesos")), Optional.empty());

        assertThat(step(report, StepName.ETCD_PROXY).reason()).contains("SrvNoRecords");
        assertThat(step(report, StepName.ETCD_PROXY).message()).contains("_etcd-server._client.etcd.mesos");
    }
}
