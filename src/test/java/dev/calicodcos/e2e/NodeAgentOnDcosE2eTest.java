package dev.calicodcos.e2e;

import static dev.calicodcos.e2e.E2e.agentId;
import static dev.calicodcos.e2e.E2e.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The node agent as it runs on a DC/OS agent, in a simulated cluster whose agents are as strict as
 * real ones (DC/OS's Java 8, the executor's PATH, a PID namespace per task): it runs on the Java
 * runtime it fetched, and the etcd proxy it installs is a host service that outlives it, so killing,
 * relaunching or upgrading node agents never interrupts etcd on an agent, nor restarts anything.
 * Three agents of the demo's mix, the demo's spec (all five steps).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class NodeAgentOnDcosE2eTest {
    private static final Duration CONVERGE = Duration.ofMinutes(3);
    private static final String PROXY_UNIT = "calico-dcos-etcd-proxy.service";
    private static final int PROXY_PORT = 2379;
    private static DemoCluster demo;
    private static Path upgradeDir;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoCluster.start(E2e.options(3));
        demo.apply(demo.exampleSpec());
        upgradeDir = Files.createTempDirectory("calico-dcos-upgrade");
    }

    @AfterAll
    static void stop() {
        demo.close();
        TempDirs.deleteRecursively(upgradeDir);
    }

    @Test
    @Order(1)
    void killingANodeAgentMidRolloutLeavesItsEtcdProxyAnswering() throws Exception {
        // An agent whose proxy is up while the rollout is still going on elsewhere or on it.
        SimAgent agent = await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(
                () -> demo.status().filter(s -> !s.isTrue(Condition.READY)).flatMap(s -> demo.sim().agents().stream()
                        .filter(a -> proxyDone(s.agents().get(agentId(a)))).findFirst()), Optional::isPresent).orElseThrow();

        ProxyProbe.Result seen = killNodeAgentWhileProbing(agent);

        awaitReady(demo, CONVERGE);
        assertThat(seen.failures()).as("reads through the proxy of " + agent.spec().hostname() + " while its node agent was"
                + " killed and relaunched").isEmpty();
        assertThat(seen.answered()).isGreaterThan(50);
        assertThat(agent.hostServices().startCount(PROXY_UNIT)).as("the relaunched node agent adopts the running proxy").isEqualTo(1);
    }

    @Test
    @Order(2)
    void killingANodeAgentAfterReadyLeavesItsEtcdProxyAnsweringAndTheNewOneAdoptsIt() throws Exception {
        awaitReady(demo, CONVERGE);
        for (SimAgent agent : demo.sim().agents()) {
            ProxyProbe.Result seen = killNodeAgentWhileProbing(agent);

            assertThat(seen.failures()).as(agent.spec().hostname()).isEmpty();
            assertThat(agent.hostServices().startCount(PROXY_UNIT)).as(agent.spec().hostname()).isEqualTo(1);
            assertThat(E2e.systemctlCalls(agent)).extracting(E2e.Call::args).as("nothing stops or restarts the proxy")
                    .noneMatch(args -> args.contains(PROXY_UNIT) && (args.startsWith("restart") || args.startsWith("stop")
                            || args.startsWith("disable")));
        }
        assertThat(demo.status().orElseThrow().isTrue(Condition.READY)).isTrue();
    }

    @Test
    @Order(3)
    void upgradingEveryNodeAgentRestartsNothingOnTheHosts() throws Exception {
        awaitReady(demo, CONVERGE);
        Map<String, List<String>> oldTasks = new HashMap<>();
        Map<String, String> before = new HashMap<>();
        for (SimAgent agent : demo.sim().agents()) {
            oldTasks.put(agentId(agent), agent.liveTasks());
            before.put(agent.spec().hostname(), disruptions(agent));
        }
        List<ProxyProbe> probes = new ArrayList<>();
        for (SimAgent agent : demo.sim().agents()) {
            probes.add(ProxyProbe.start(agent.loopback(), PROXY_PORT));
        }
        Instant upgraded = Instant.now();

        demo.upgradeTo(rebuiltJar());

        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> demo.sim().agents().stream().allMatch(a ->
                !a.liveTasks().isEmpty() && a.liveTasks().stream().noneMatch(oldTasks.get(agentId(a))::contains)
                        && demo.status().map(s -> s.agents().get(agentId(a))).filter(row -> row.phase() == AgentPhase.READY
                                && row.lastReportAt() != null && row.lastReportAt().isAfter(upgraded)).isPresent()));
        awaitReady(demo, CONVERGE);
        for (ProxyProbe probe : probes) {
            probe.close();
        }
        for (int i = 0; i < probes.size(); i++) {
            SimAgent agent = demo.sim().agents().get(i);
            assertThat(probes.get(i).result().failures()).as("reads through the proxy of " + agent.spec().hostname()).isEmpty();
            assertThat(disruptions(agent)).as("proxy starts, calico container starts, docker starts and restarts on "
                    + agent.spec().hostname()).isEqualTo(before.get(agent.spec().hostname()));
        }
    }

    @Test
    @Order(4)
    void nodeAgentsRunOnTheFetchedRuntimeAndDcosOwnJavaRefusesTheJarInOneLine() throws Exception {
        for (SimAgent agent : demo.sim().agents()) {
            String task = agent.liveTasks().get(0);
            Path sandbox = agent.sandbox(task).orElseThrow();
            List<String> commands = agent.taskProcesses(task).stream().map(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().command()))
                    .flatMap(Optional::stream).toList();

            assertThat(sandbox.resolve("calico-dcos-runtime/bin/java")).isExecutable();
            assertThat(commands).as("the task's processes").contains(sandbox.resolve("calico-dcos-runtime/bin/java").toString());
        }

        SimAgent agent = demo.sim().agents().get(0);
        ProcessBuilder asOnTheAgent = new ProcessBuilder(agent.hostRoot().java().toString(), "-jar", E2e.jar().toString(), "--version")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        asOnTheAgent.environment().clear();
        asOnTheAgent.environment().put("PATH", "/usr/bin:/bin");
        Process java8 = asOnTheAgent.start();
        String stderr = new String(java8.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java8.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(java8.exitValue()).isEqualTo(1);
        assertThat(stderr.lines()).as(stderr).hasSize(1);
        assertThat(stderr).contains("Java 17", "1.8");
    }

    /** SIGKILLs the agent's node-agent task and waits for its replacement to report, probing the proxy all along. */
    private static ProxyProbe.Result killNodeAgentWhileProbing(SimAgent agent) throws Exception {
        List<String> before = agent.liveTasks();
        assertThat(before).hasSize(1);
        try (ProxyProbe probe = ProxyProbe.start(agent.loopback(), PROXY_PORT)) {
            Instant killed = Instant.now();
            assertThat(demo.sim().faults().failTask(before.get(0))).isTrue();
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> {
                List<String> now = agent.liveTasks();
                return now.size() == 1 && !before.contains(now.get(0)) && demo.status().map(s -> s.agents().get(agentId(agent)))
                        .filter(row -> row.lastReportAt() != null && row.lastReportAt().isAfter(killed) && proxyDone(row)).isPresent();
            });
            probe.close();
            return probe.result();
        }
    }

    private static boolean proxyDone(AgentStatus row) {
        return row != null && row.steps().containsKey(StepName.ETCD_PROXY) && row.steps().get(StepName.ETCD_PROXY).phase() == StepPhase.DONE;
    }

    /** Everything that would interrupt networking on the agent, counted from its own logs. */
    private static String disruptions(SimAgent agent) {
        return "proxy starts " + agent.hostServices().startCount(PROXY_UNIT)
                + ", calico-node starts " + agent.docker().startCount("calico-node")
                + ", calico-libnetwork starts " + agent.docker().startCount("calico-libnetwork")
                + ", docker starts " + agent.docker().daemonStarts()
                + ", systemctl restarts " + E2e.restarts(agent).stream().map(E2e.Call::args).toList();
    }

    /** The same release rebuilt: one more file in the jar, so a new checksum and a new node-agent version. */
    private static Path rebuiltJar() throws IOException {
        Path jar = Files.copy(E2e.jar(), upgradeDir.resolve("calico-dcos.jar"));
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Files.writeString(zip.getPath("META-INF/calico-dcos-rebuilt"), "upgrade test\n");
        }
        return jar;
    }
}
