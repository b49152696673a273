package dev.calicodcos.reconcilers.container;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.SharedDockerd;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.agent.NodeAgentSteps;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.host.ContainerState;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** libnetwork and node containers in a real dockerd (privileged containers cannot run here, so the spec turns that off). */
@Tag("integration")
class ContainerReconcilersTest {
    static final String CONTAINERS = """
            etcd:
              endpoints: ["http://127.0.0.1:2379"]
            etcdProxy: {enabled: false}
            dockerClusterStore: {enabled: false}
            cni: {enabled: false}
            rollout: {stabilityPeriod: 1s}
            libnetwork:
              image: %1$s
              privileged: false
            node:
              image: %1$s
              privileged: false
              env:
                CALICO_IPV4POOL_CIDR: %2$s
            """;

    private final ObjectMapper json = new ObjectMapper();
    private TestHost agent;
    private StepRunner runner;

    @BeforeEach
    void setUp() {
        agent = TestHost.withDocker();
        runner = agent.runner();
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    private static String spec(String poolCidr) {
        return CONTAINERS.formatted(SharedDockerd.IMAGE, poolCidr);
    }

    @Test
    void runsCalicoNodeAndThePluginAsCalicoctlAndThePluginsReadmeDoWithoutCaps() throws Exception {
        AgentReport report = converge(runner, plan(spec("10.32.0.0/16")));

        assertThat(step(report, StepName.NODE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(step(report, StepName.LIBNETWORK).phase()).isEqualTo(StepPhase.DONE);
        JsonNode node = inspect("calico-node");
        assertThat(env(node)).contains("FELIX_IGNORELOOSERPF=true", "IP=10.0.0.5", "NODENAME=agent-1", "CALICO_NETWORKING_BACKEND=bird",
                "ETCD_ENDPOINTS=http://127.0.0.1:2379", "CALICO_IPV4POOL_CIDR=10.32.0.0/16", "CALICO_LIBNETWORK_ENABLED=false");
        assertThat(node.at("/HostConfig/NetworkMode").asText()).isEqualTo("host");
        assertThat(node.at("/HostConfig/RestartPolicy/Name").asText()).isEqualTo("always");
        assertThat(node.at("/HostConfig/Privileged").asBoolean()).as("off only in this sandbox").isFalse();
        assertThat(node.at("/HostConfig/Memory").asLong()).as("no memory limit unless the spec sets one").isZero();
        assertThat(node.at("/HostConfig/NanoCpus").asLong()).as("no CPU limit unless the spec sets one").isZero();
        assertThat(binds(node)).as("read-write, as calicoctl mounts them").containsExactlyInAnyOrder(
                agent.path("/var/log/calico") + ":/var/log/calico:rw", agent.path("/var/run/calico") + ":/var/run/calico:rw",
                agent.path("/lib/modules") + ":/lib/modules:rw", agent.path("/run") + ":/run:rw");
        assertThat(node.at("/Config/Labels/dev.calicodcos.config-hash").asText()).isEqualTo(step(report, StepName.NODE).desiredHash());
        JsonNode plugin = inspect("calico-libnetwork");
        assertThat(env(plugin)).contains("HOSTNAME=agent-1", "CALICO_LIBNETWORK_HOSTNAME=agent-1", "ETCD_ENDPOINTS=http://127.0.0.1:2379");
        assertThat(binds(plugin)).containsExactlyInAnyOrder(agent.path("/run/docker/plugins") + ":/run/docker/plugins:rw",
                agent.path("/var/run/docker.sock") + ":/var/run/docker.sock:rw");
        assertThat(plugin.at("/HostConfig/NetworkMode").asText()).isEqualTo("host");
        assertThat(plugin.at("/HostConfig/RestartPolicy/Name").asText()).isEqualTo("always");
    }

    @Test
    void resourcesInTheSpecBecomeCalicoNodesLimits() throws Exception {
        converge(runner, plan(spec("10.32.0.0/16").replace("node:\n", "node:\n  resources: {cpus: 0.2, memMb: 256}\n")));

        JsonNode node = inspect("calico-node");
        assertThat(node.at("/HostConfig/Memory").asLong()).isEqualTo(256L * 1024 * 1024);
        assertThat(node.at("/HostConfig/NanoCpus").asLong()).isEqualTo(200_000_000L);
    }

    @Test
    void aGivenNodeNameReachesCalicoNodeThePluginAndTheCniConfig() throws Exception {
        StepRunner named = agent.runner("given-name", CrashPoints.NONE);

        converge(named, plan(spec("10.32.0.0/16").replace("cni: {enabled: false}", "cni: {agentRestart: never, plugins: {"
                + "calico: {url: \"file:///bin/true\"}, calicoIpam: {url: \"file:///bin/true\"}}}")));

        assertThat(env(inspect("calico-node"))).contains("NODENAME=given-name");
        assertThat(env(inspect("calico-libnetwork"))).contains("HOSTNAME=given-name", "CALICO_LIBNETWORK_HOSTNAME=given-name");
        assertThat(json.readTree(agent.read("/opt/mesosphere/etc/dcos/network/cni/calico.cni")).get("nodename").asText())
                .isEqualTo("given-name");
    }

    @Test
    void applyingTwiceKeepsTheSameContainers() {
        AgentReport done = converge(runner, plan(spec("10.32.0.0/16")));
        String node = id("calico-node");
        String libnetwork = id("calico-libnetwork");

        AgentReport again = agent.runner().runOnce(plan(spec("10.32.0.0/16")), Optional.of(done));

        assertThat(step(again, StepName.NODE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(id("calico-node")).isEqualTo(node);
        assertThat(id("calico-libnetwork")).isEqualTo(libnetwork);
    }

    @Test
    void aSpecChangeRecreatesOnlyTheAffectedContainer() {
        converge(runner, plan(spec("10.32.0.0/16")));
        String node = id("calico-node");
        String libnetwork = id("calico-libnetwork");

        AgentReport changed = converge(runner, plan(spec("10.40.0.0/16")));

        assertThat(step(changed, StepName.NODE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(id("calico-node")).isNotEqualTo(node);
        assertThat(id("calico-libnetwork")).isEqualTo(libnetwork);
    }

    @Test
    void aStoppedContainerIsStartedAgainNotRecreated() throws Exception {
        AgentReport done = converge(runner, plan(spec("10.32.0.0/16")));
        String node = id("calico-node");
        docker("stop", "-t", "0", "calico-node");

        AgentReport repaired = runner.runOnce(plan(spec("10.32.0.0/16")), Optional.of(done));

        assertThat(step(repaired, StepName.NODE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.host().docker().inspect("calico-node")).map(ContainerState::running).contains(true);
        assertThat(id("calico-node")).isEqualTo(node);
    }

    @Test
    void aFailingDetectIpIsReportedAndNoIpIsGuessed() {
        agent.script("/opt/mesosphere/bin/detect_ip", "echo 'no route' >&2; exit 1");

        AgentReport report = runner.runOnce(plan(spec("10.32.0.0/16")), Optional.empty());

        StepReport node = step(report, StepName.NODE);
        assertThat(node.phase()).isIn(StepPhase.FAILED, StepPhase.PENDING);
        AgentReport later = converge(runner, plan(spec("10.32.0.0/16").replace("node:\n", "node:\n  enabled: false\n")));
        assertThat(step(later, StepName.NODE).phase()).isEqualTo(StepPhase.REMOVED);
        AgentReport failed = runner.runOnce(plan(spec("10.32.0.0/16")), Optional.empty());
        node = step(failed, StepName.NODE);
        assertThat(node.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(node.reason()).contains("DetectIpFailed");
        assertThat(node.message()).contains("detect_ip failed", "no route");
        assertThat(agent.host().docker().inspect("calico-node")).isEmpty();
    }

    @Test
    void removeTakesTheContainersAway() {
        converge(runner, plan(spec("10.32.0.0/16")));

        AgentReport removed = converge(runner, plan(spec("10.32.0.0/16")
                .replace("node:\n", "node:\n  enabled: false\n")
                .replace("libnetwork:\n", "libnetwork:\n  enabled: false\n")));

        assertThat(step(removed, StepName.NODE).phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(agent.host().docker().inspect("calico-node")).isEmpty();
        assertThat(agent.host().docker().inspect("calico-libnetwork")).isEmpty();
    }

    private static List<String> env(JsonNode container) {
        List<String> env = new ArrayList<>();
        container.at("/Config/Env").forEach(e -> env.add(e.asText()));
        return env;
    }

    private static List<String> binds(JsonNode container) {
        List<String> binds = new ArrayList<>();
        container.at("/HostConfig/Binds").forEach(b -> binds.add(b.asText()));
        return binds;
    }

    private String id(String name) {
        return agent.host().docker().inspect(name).orElseThrow().id();
    }

    private JsonNode inspect(String name) throws IOException {
        return json.readTree(docker("inspect", name)).get(0);
    }

    private String docker(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", agent.dockerd().dockerHost());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
