package dev.calicodcos.reconcilers.etcdproxy;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.agent.NodeAgentSteps;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Executables;
import dev.calicodcos.testkit.FreePorts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real {@code etcd gateway} (and v2 proxy) in front of a real etcd, run from the unit the step
 * writes by the test's systemd (which really runs units), checked by reading a key through it.
 */
@Tag("integration")
class EtcdProxyReconcilerTest {
    private static final String UNIT = EtcdProxyReconciler.UNIT;
    private static final String FAKE_UNIT = UNIT.replace(".service", "");

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

    private void onAgent(TestHost host) throws IOException {
        agent = host;
        Path binary = agent.path("/opt/calico-dcos/bin/etcd");
        Files.createDirectories(binary.getParent());
        Files.createSymbolicLink(binary, Executables.find("etcd").orElseThrow());
        listenPort = FreePorts.next();
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.runner().runOnce(plan(spec("enabled: false")), Optional.empty()); // stops the proxy
            agent.close();
        }
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

    private static String readThrough(String endpoint) throws Exception {
        try (Client upstream = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()));
             Client throughProxy = EtcdClients.connect(EtcdOptions.plain(endpoint))) {
            ByteSequence key = ByteSequence.from("/test/key", StandardCharsets.UTF_8);
            upstream.getKVClient().put(key, ByteSequence.from("v1", StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            return throughProxy.getKVClient().get(key).get(5, TimeUnit.SECONDS).getKvs().get(0).getValue()
                    .toString(StandardCharsets.UTF_8);
        }
    }

    private long mainPid() {
        return agent.systemctl().mainPid(FAKE_UNIT).orElseThrow();
    }

    @Test
    void runsAGatewayUnitThatAnswersAClientReadAndIsNoChildOfTheNodeAgent() throws Exception {
        onAgent(TestHost.withDocker());

        AgentReport report = converge(agent.runner(), plan(spec(staticUpstream())));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.read(EtcdProxyReconciler.UNIT_PATH)).contains("ExecStart=\"" + agent.path("/opt/calico-dcos/bin/etcd") + "\"");
        assertThat(agent.systemctl().calls()).containsSubsequence("daemon-reload", "enable " + UNIT, "start " + UNIT);
        assertThat(readThrough("http://127.0.0.1:" + listenPort)).isEqualTo("v1");
        long pid = mainPid();
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).doesNotContain(pid);
    }

    @Test
    void runsAV2ProxyThatAnswersAV2ClientRead() throws Exception {
        onAgent(TestHost.withDocker());
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys/calico-dcos-test"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .PUT(HttpRequest.BodyPublishers.ofString("value=through-v2")).build(),
                HttpResponse.BodyHandlers.discarding());

        AgentReport report = converge(agent.runner(), plan(spec("mode: v2proxy\nupstreamEndpoints: [\"" + etcd.peerEndpoint() + "\"]")));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).as(step(report, StepName.ETCD_PROXY).message()).isEqualTo(StepPhase.DONE);
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenPort + "/v2/keys/calico-dcos-test")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).contains("through-v2");
    }

    @Test
    void aNewNodeAgentAdoptsTheRunningGateway() throws IOException {
        onAgent(TestHost.withDocker());
        AgentReport done = converge(agent.runner(), plan(spec(staticUpstream())));
        long pid = mainPid();
        List<String> calls = agent.systemctl().disruptiveCalls();

        AgentReport again = agent.runner().runOnce(plan(spec(staticUpstream())), Optional.of(done));

        assertThat(step(again, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(mainPid()).isEqualTo(pid);
        assertThat(agent.systemctl().disruptiveCalls()).isEqualTo(calls);
    }

    @Test
    void aGatewayThatDiedIsStartedAgainBySystemdNotByTheNodeAgent() throws Exception {
        onAgent(TestHost.withDocker());
        converge(agent.runner(), plan(spec(staticUpstream())));
        long pid = mainPid();
        ProcessHandle gateway = ProcessHandle.of(pid).orElseThrow();
        gateway.destroyForcibly();
        gateway.onExit().get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> agent.systemctl().mainPid(FAKE_UNIT).orElse(pid) != pid);
        AgentReport repaired = converge(agent.runner(), plan(spec(staticUpstream())));

        assertThat(step(repaired, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.systemctl().disruptiveCalls()).as("systemd restarted it").containsExactly("start " + UNIT);
    }

    @Test
    void aStoppedUnitIsStartedAgain() throws Exception {
        onAgent(TestHost.withDocker());
        converge(agent.runner(), plan(spec(staticUpstream())));
        new ProcessBuilder(agent.systemctl().executable().toString(), "stop", UNIT).start().waitFor(30, TimeUnit.SECONDS);

        AgentReport repaired = converge(agent.runner(), plan(spec(staticUpstream())));

        assertThat(step(repaired, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.systemctl().disruptiveCalls()).containsExactly("start " + UNIT, "stop " + UNIT, "start " + UNIT);
        assertThat(readThrough("http://127.0.0.1:" + listenPort)).isEqualTo("v1");
    }

    @Test
    void theProxyListensOnTheLoopbackTheEnvironmentNamesWhileCalicoKeepsTheSpecsAddress() throws Exception {
        onAgent(TestHost.withDocker(Map.of("CALICO_DCOS_HOST_LOOPBACK", "127.0.0.2")));

        AgentReport report = converge(agent.runner(), plan(spec(staticUpstream())));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(step(report, StepName.ETCD_PROXY).message()).contains("127.0.0.2:" + listenPort);
        assertThat(readThrough("http://127.0.0.2:" + listenPort)).isEqualTo("v1");
        assertThat(accepts("127.0.0.1", listenPort)).as("another agent's loopback is left alone").isFalse();
    }

    @Test
    void aPortHeldByAnotherProgramIsReportedAndNothingIsStarted() throws IOException {
        onAgent(TestHost.withDocker());
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listenPort));

            AgentReport report = agent.runner().runOnce(plan(spec(staticUpstream())), Optional.empty());

            assertThat(step(report, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.FAILED);
            assertThat(step(report, StepName.ETCD_PROXY).reason()).contains("ListenAddressInUse");
            assertThat(agent.systemctl().calls()).noneMatch(c -> c.startsWith("start"));
        }
    }

    @Test
    void disablingTheStepStopsTheGatewayAndRemovesItsUnit() throws IOException {
        onAgent(TestHost.withDocker());
        converge(agent.runner(), plan(spec(staticUpstream())));
        ProcessHandle gateway = ProcessHandle.of(mainPid()).orElseThrow();

        AgentReport removed = converge(agent.runner(), plan(spec("enabled: false")));

        assertThat(step(removed, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(agent.host().files().isRegularFile(EtcdProxyReconciler.UNIT_PATH)).isFalse();
        assertThat(agent.systemctl().calls()).containsSubsequence("disable --now " + UNIT, "daemon-reload");
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.isAlive());
        assertThat(accepts("127.0.0.1", listenPort)).isFalse();
    }

    @Test
    void srvDiscoveryPassesTheResolvedClientEndpoints() throws IOException {
        onAgent(TestHost.withDocker());
        String hostPort = etcd.endpoint().replace("http://", "");
        SrvResolver dns = name -> Map.of("_etcd-server._client.etcd.mesos", List.of(hostPort)).getOrDefault(name, List.of());
        StepRunner runner = NodeAgentSteps.runner(agent.host(), TestHost.NODE_NAME, Clock.systemUTC(), CrashPoints.NONE,
                dns, new JetcdProbe(Duration.ofSeconds(3)));

        AgentReport report = converge(runner, plan(spec("discoverySrv: etcd.mesos")));

        assertThat(step(report, StepName.ETCD_PROXY).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.read(EtcdProxyReconciler.UNIT_PATH)).contains("\"--endpoints=" + hostPort + "\"");
    }

    @Test
    void noSrvRecordsIsAClearFailure() throws IOException {
        onAgent(TestHost.withDocker());
        StepRunner runner = NodeAgentSteps.runner(agent.host(), TestHost.NODE_NAME, Clock.systemUTC(), CrashPoints.NONE,
                name -> List.of(), new JetcdProbe(Duration.ofSeconds(3)));

        AgentReport report = runner.runOnce(plan(spec("discoverySrv: etcd.mesos")), Optional.empty());

        assertThat(step(report, StepName.ETCD_PROXY).reason()).contains("SrvNoRecords");
        assertThat(step(report, StepName.ETCD_PROXY).message()).contains("_etcd-server._client.etcd.mesos");
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
