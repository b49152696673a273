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
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.host.ContainerState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** libnetwork and node containers in a real dockerd (privileged containers cannot run here, so the spec turns that off). */
class ContainerReconcilersTest {
    static final String CONTAINERS = """
            etcd:
              endpoints: ["http://127.0.0.1:2379"]
            etcdProxy: {enabled: false}
            dockerClusterStore: {enabled: false}
            cni: {enabled: false}
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
    void runsCalicoNodeWithTheRenderedEnvironmentOnTheHostNetwork() throws Exception {
        AgentReport report = converge(runner, plan(spec("10.32.0.0/16")));

        assertThat(step(report, StepName.NODE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(step(report, StepName.LIBNETWORK).phase()).isEqualTo(StepPhase.DONE);
        JsonNode node = inspect("calico-node");
        List<String> env = new ArrayList<>();
        node.at("/Config/Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("FELIX_IGNORELOOSERPF=true", "IP=10.0.0.5", "NODENAME=agent-1",
                "ETCD_ENDPOINTS=http://127.0.0.1:2379", "CALICO_IPV4POOL_CIDR=10.32.0.0/16", "CALICO_LIBNETWORK_ENABLED=false");
        assertThat(node.at("/HostConfig/NetworkMode").asText()).isEqualTo("host");
        assertThat(node.at("/HostConfig/RestartPolicy/Name").asText()).isEqualTo("always");
        assertThat(node.at("/HostConfig/Privileged").asBoolean()).isFalse();
        assertThat(node.at("/HostConfig/Memory").asLong()).as("spec.node.resources.memMb").isEqualTo(256L * 1024 * 1024);
        assertThat(node.at("/HostConfig/NanoCpus").asLong()).as("spec.node.resources.cpus").isEqualTo(200_000_000L);
        assertThat(node.at("/Config/Labels/dev.calicodcos.config-hash").asText()).isEqualTo(step(report, StepName.NODE).desiredHash());
        assertThat(inspect("calico-libnetwork").at("/HostConfig/Binds").toString()).contains("/run/docker/plugins");
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
