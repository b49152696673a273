package dev.calicodcos.reconcilers.cni;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.grantingAwaited;
import static org.awaitility.Awaitility.await;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.TestSpecs;
import dev.calicodcos.reconcilers.agent.StepRunner;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.model.agent.ResolvedPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cni against real files in a temporary host root, plugin downloads from file URLs, a recording fake systemctl. */
@Tag("integration")
class CniReconcilerTest {
    static final String CONFIG = "/opt/mesosphere/etc/dcos/network/cni/calico.cni";
    static final String CALICO = "/opt/mesosphere/active/cni/calico";
    static final String IPAM = "/opt/mesosphere/active/cni/calico-ipam";

    @TempDir
    Path downloads;

    private final ObjectMapper json = new ObjectMapper();
    private TestHost agent;
    private StepRunner runner;

    @BeforeEach
    void setUp() {
        agent = TestHost.withDocker();
        runner = agent.runner();
        mesosVersion("1.4.0");
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    private void mesosVersion(String version) {
        agent.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos " + version + "'");
    }

    /** A spec with only the cni step, its plugins served from file URLs with their checksums. */
    private String onlyCni(String calicoContent, String ipamContent, String extra) throws IOException {
        return TestSpecs.onlyCni(download("calico", calicoContent), download("calico-ipam", ipamContent), extra);
    }

    private String download(String name, String content) throws IOException {
        Path file = downloads.resolve(name + "-" + StepHashes.sha256(content).substring(0, 8));
        Files.writeString(file, content);
        return "{url: \"" + file.toUri() + "\", sha256: \"" + StepHashes.sha256(content) + "\"}";
    }

    @Test
    void installsBinariesAndConfigWithoutAnAgentRestartOnMesos12OrLater() throws Exception {
        AgentReport report = converge(runner, plan(onlyCni("calico v1", "ipam v1", "mtu: 1440")));

        assertThat(step(report, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.read(CALICO)).isEqualTo("calico v1");
        assertThat(Files.isExecutable(agent.path(IPAM))).isTrue();
        assertThat(json.readTree(agent.read(CONFIG))).isEqualTo(json.readTree("""
                {"name": "calico", "type": "calico", "etcd_endpoints": "http://127.0.0.1:2379",
                 "log_level": "WARNING", "mtu": 1440, "nodename": "agent-1",
                 "ipam": {"type": "calico-ipam", "assign_ipv4": "true", "assign_ipv6": "false"}}
                """));
        assertThat(agent.systemctl().disruptiveCalls()).isEmpty();
        assertThat(agent.host().files().list("/opt/mesosphere/etc/dcos/network/cni")).containsExactly("calico.cni");
    }

    @Test
    void applyingTwiceRewritesNoFile() throws Exception {
        String spec = onlyCni("calico v1", "ipam v1", "");
        AgentReport done = converge(runner, plan(spec));
        List<Object> before = List.of(identity(CONFIG), identity(CALICO), identity(IPAM));

        AgentReport again = agent.runner().runOnce(plan(spec), Optional.of(done));

        assertThat(step(again, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
        assertThat(List.of(identity(CONFIG), identity(CALICO), identity(IPAM))).isEqualTo(before);
    }

    @Test
    void aDifferentChecksumReplacesTheBinary() throws Exception {
        converge(runner, plan(onlyCni("calico v1", "ipam v1", "")));

        converge(runner, plan(onlyCni("calico v2", "ipam v1", "")));

        assertThat(agent.read(CALICO)).isEqualTo("calico v2");
    }

    @Test
    void restartsTheAgentOnceWithAGrantOnMesos10() throws Exception {
        mesosVersion("1.0.1");
        String spec = onlyCni("calico v1", "ipam v1", "");

        AgentReport first = runner.runOnce(plan(spec), Optional.empty());
        assertThat(step(first, StepName.CNI).phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(agent.systemctl().disruptiveCalls()).isEmpty();

        AgentReport done = converge(runner, plan(spec));
        AgentReport again = runner.runOnce(plan(spec), Optional.of(done));

        assertThat(step(again, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.systemctl().disruptiveCalls()).containsExactly("restart dcos-mesos-slave");
    }

    @Test
    void aPublicAgentRestartsItsOwnUnitWhenTheSpecSaysAlways() throws Exception {
        Files.delete(agent.path("/etc/mesosphere/roles/slave"));
        agent.write("/etc/mesosphere/roles/slave_public", "");

        converge(runner, plan(onlyCni("calico v1", "ipam v1", "agentRestart: always")));

        assertThat(agent.systemctl().disruptiveCalls()).containsExactly("restart dcos-mesos-slave-public");
    }

    @Test
    void aBinaryThatLostItsExecuteBitGetsItBack() throws Exception {
        String spec = onlyCni("calico v1", "ipam v1", "");
        AgentReport done = converge(runner, plan(spec));
        Files.setPosixFilePermissions(agent.path(CALICO), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        runner.runOnce(plan(spec), Optional.of(done));

        assertThat(Files.isExecutable(agent.path(CALICO))).isTrue();
    }

    @Test
    void aChecksumMismatchIsReportedAndNothingIsInstalled() throws Exception {
        String spec = onlyCni("calico v1", "ipam v1", "").replaceFirst("sha256: \"[0-9a-f]+\"", "sha256: \"" + "0".repeat(64) + "\"");

        AgentReport report = runner.runOnce(plan(spec), Optional.empty());

        StepReport cni = step(report, StepName.CNI);
        assertThat(cni.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(cni.reason()).contains("ChecksumMismatch");
        assertThat(Files.exists(agent.path(CALICO))).isFalse();
        assertThat(Files.exists(agent.path(CONFIG))).isFalse();
    }

    @Test
    void missingCniDirectoriesAreReported() throws Exception {
        Files.delete(agent.path("/opt/mesosphere/active/cni"));

        AgentReport report = runner.runOnce(plan(onlyCni("calico v1", "ipam v1", "")), Optional.empty());

        StepReport cni = step(report, StepName.CNI);
        assertThat(cni.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(cni.reason()).contains("CniPluginsDirMissing");
        assertThat(cni.message()).contains("/opt/mesosphere/active/cni does not exist");
    }

    @Test
    void aDeletedConfigComesBack() throws Exception {
        String spec = onlyCni("calico v1", "ipam v1", "");
        AgentReport done = converge(runner, plan(spec));
        Files.delete(agent.path(CONFIG));

        AgentReport repaired = runner.runOnce(plan(spec), Optional.of(done));

        assertThat(step(repaired, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
        assertThat(Files.exists(agent.path(CONFIG))).isTrue();
    }

    @Test
    void anotherFileDeclaringTheNetworkIsAClash() throws Exception {
        agent.write("/opt/mesosphere/etc/dcos/network/cni/other.conf", "{\"name\": \"calico\", \"type\": \"calico\"}");

        AgentReport report = runner.runOnce(plan(onlyCni("calico v1", "ipam v1", "")), Optional.empty());

        assertThat(step(report, StepName.CNI).reason()).contains("CniNetworkNameClash");
    }

    @Test
    void removeTakesOutWhatWasInstalledAndRestoresAUsersFile() throws Exception {
        agent.write(IPAM, "the user's own ipam");
        String spec = onlyCni("calico v1", "ipam v1", "");
        converge(runner, plan(spec));
        assertThat(agent.read(IPAM)).isEqualTo("ipam v1");

        AgentReport removed = converge(runner, plan(onlyCni("calico v1", "ipam v1", "enabled: false")));

        assertThat(step(removed, StepName.CNI).phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(Files.exists(agent.path(CONFIG))).isFalse();
        assertThat(Files.exists(agent.path(CALICO))).isFalse();
        assertThat(agent.read(IPAM)).isEqualTo("the user's own ipam");
    }

    /**
     * A stand-in Mesos agent API on a loopback of its own, port 5051, as the simulator serves it: registered
     * unless the calico.cni it read at its last restart (the fake systemctl's hook copies it) holds {@code bad}.
     */
    private HttpServer mesosAgent(TestHost host, String loopback, String bad) throws IOException {
        Path startedWith = host.path("/var/run/agent-started-with.cni");
        host.systemctl().onVerb("dcos-mesos-slave", "restart", "/bin/cp " + host.path(CONFIG) + " " + startedWith);
        HttpServer server = HttpServer.create(new InetSocketAddress(loopback, HttpMesosAgentProbe.AGENT_PORT), 0);
        server.createContext("/metrics/snapshot", exchange -> {
            boolean registered = !Files.exists(startedWith) || !Files.readString(startedWith).contains(bad);
            byte[] body = ("{\"slave/registered\": " + (registered ? "1.0" : "0.0") + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String someLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + (1 + random.nextInt(254)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    @Test
    void throughTheNodeAgentsWiringTheRestartedAgentIsAskedOnTheLoopbackStandInAndDoneOnceRegistered() throws Exception {
        String loopback = someLoopback();
        try (TestHost host = TestHost.withDocker(Map.of("CALICO_DCOS_HOST_LOOPBACK", loopback))) {
            host.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos 1.0.1'");
            HttpServer agentApi = mesosAgent(host, loopback, "\"mtu\" : 1300");
            try {
                AgentReport done = converge(host.runner(), plan(onlyCni("calico v1", "ipam v1", "mtu: 1440")));

                assertThat(step(done, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
                assertThat(host.systemctl().restartsOf("dcos-mesos-slave")).isEqualTo(1);
            } finally {
                agentApi.stop(0);
            }
        }
    }

    @Test
    void throughTheNodeAgentsWiringAnAgentThatDoesNotRegisterWithTheNewConfigGetsTheOldOneBack() throws Exception {
        String loopback = someLoopback();
        try (TestHost host = TestHost.withDocker(Map.of("CALICO_DCOS_HOST_LOOPBACK", loopback))) {
            host.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos 1.0.1'");
            HttpServer agentApi = mesosAgent(host, loopback, "\"mtu\" : 1300");
            try {
                StepRunner steps = host.runner();
                converge(steps, plan(onlyCni("calico v1", "ipam v1", "mtu: 1440")));
                String before = host.read(CONFIG);
                ResolvedPlan plan = plan(onlyCni("calico v1", "ipam v1", "mtu: 1300").replace("stabilityPeriod: 1s",
                        "stabilityPeriod: 1s\n  restartTimeout: 2s"));
                AtomicReference<ResolvedPlan> current = new AtomicReference<>(plan);
                AtomicReference<AgentReport> last = new AtomicReference<>();

                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    AgentReport report = steps.runOnce(current.get(), Optional.ofNullable(last.get()));
                    last.set(report);
                    current.set(grantingAwaited(current.get(), report));
                    return step(report, StepName.CNI).phase() == StepPhase.FAILED;
                });

                StepReport cni = step(last.get(), StepName.CNI);
                assertThat(cni.reason()).as(cni.message()).contains("RolledBack");
                assertThat(cni.message()).contains("the Mesos agent at " + loopback + ":5051 reports slave/registered 0.0");
                assertThat(host.read(CONFIG)).isEqualTo(before);
                assertThat(host.systemctl().restartsOf("dcos-mesos-slave")).isEqualTo(3);
            } finally {
                agentApi.stop(0);
            }
        }
    }

    private Object identity(String hostPath) throws IOException {
        Path file = agent.path(hostPath);
        FileTime mtime = Files.getLastModifiedTime(file);
        return List.of(Files.getAttribute(file, "unix:ino"), mtime);
    }
}
