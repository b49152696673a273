package dev.calicodcos.e2e;

import static dev.calicodcos.e2e.E2e.agentId;
import static dev.calicodcos.e2e.E2e.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.testkit.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One simulated cluster of five agents (the demo's mix: a public agent, Mesos 1.0, Docker 20.10,
 * Docker 24) with real node agents launched through the simulated Mesos, driven through a scenario:
 * converge, change one step, write an invalid spec, pause and resume.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class ConvergenceE2eTest {
    private static final Duration CONVERGE = Duration.ofMinutes(3);
    private static DemoCluster demo;
    private static String spec;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoCluster.start(E2e.options(5));
        spec = demo.exampleSpec();
        demo.apply(spec);
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    private static SimAgent agent(String host) {
        return demo.sim().agent(host);
    }

    private static Path root(SimAgent agent) {
        return agent.hostRoot().root();
    }

    @Test
    @Order(1)
    void fiveAgentsConvergeFromNothingToReady() throws Exception {
        ClusterStatus status = awaitReady(demo, CONVERGE);

        assertThat(status.agents()).hasSize(5);
        for (SimAgent agent : demo.sim().agents()) {
            Path cni = root(agent).resolve("opt/mesosphere/etc/dcos/network/cni/calico.cni");
            JsonNode config = E2e.JSON.readTree(Files.readString(cni));
            assertThat(config.path("etcd_endpoints").asText()).as("through the agent's etcd proxy").isEqualTo("http://127.0.0.1:2379");
            assertThat(config.has("cniVersion")).as("Mesos cannot read a cniVersion result").isFalse();
            assertThat(config.path("nodename").asText()).as("the agent's own host name").isEqualTo(agent.spec().hostname());
            assertThat(root(agent).resolve("opt/mesosphere/active/cni/calico")).isExecutable();
            assertThat(root(agent).resolve("opt/mesosphere/active/cni/calico-ipam")).isExecutable();
            assertThat(E2e.containers(agent)).containsKeys("calico-node", "calico-libnetwork");
            assertThat(E2e.containers(agent).get("calico-node").path("State").asText()).isEqualTo("running");
            assertThat(agent.hostServices().activeState("calico-dcos-etcd-proxy.service")).isEqualTo("active");
            try (ProxyProbe proxy = ProxyProbe.start(agent.loopback(), 2379)) {
                assertThat(proxy.result().answered()).as("etcd answers through the proxy of " + agent.spec().hostname()).isPositive();
            }
        }
        assertThat(Files.readString(root(agent("10.0.0.11")).resolve("etc/docker/daemon.json")))
                .contains("\"cluster-store\"", "etcd://127.0.0.1:2379");
        assertThat(root(agent("10.0.0.14")).resolve("etc/docker/daemon.json")).as("Docker 24 has no cluster store").doesNotExist();
        assertThat(status.agents().get(agentId(agent("10.0.0.14"))).steps().get(StepName.DOCKER_CLUSTER_STORE).phase())
                .isEqualTo(StepPhase.UNSUPPORTED);
        assertThat(E2e.restarts(agent("10.0.0.12"))).extracting(E2e.Call::args).containsExactly("restart dcos-mesos-slave");
        assertThat(E2e.restarts(agent("10.0.0.13"))).extracting(E2e.Call::args).containsExactly("restart docker");
        assertThat(E2e.restarts(agent("10.0.0.11"))).isEmpty();
        assertThat(E2e.maxOverlappingRestarts(demo.sim().agents())).isEqualTo(1);
    }

    @Test
    @Order(2)
    void changingTheNodeImageRerunsOnlyTheNodeStep() throws IOException {
        Map<String, String> libnetworkIds = new HashMap<>();
        Map<String, String> nodeIds = new HashMap<>();
        Map<String, FileTime> cniTimes = new HashMap<>();
        Map<String, Integer> systemctlCalls = new HashMap<>();
        for (SimAgent agent : demo.sim().agents()) {
            String host = agent.spec().hostname();
            libnetworkIds.put(host, E2e.containers(agent).get("calico-libnetwork").path("Id").asText());
            nodeIds.put(host, E2e.containers(agent).get("calico-node").path("Id").asText());
            cniTimes.put(host, Files.getLastModifiedTime(root(agent).resolve("opt/mesosphere/etc/dcos/network/cni/calico.cni")));
            systemctlCalls.put(host, E2e.restarts(agent).size());
        }

        demo.apply(spec + "  node:\n    image: calico/node:v2.6.11\n");
        ClusterStatus status = awaitReady(demo, CONVERGE);

        for (SimAgent agent : demo.sim().agents()) {
            String host = agent.spec().hostname();
            JsonNode node = E2e.containers(agent).get("calico-node");
            assertThat(node.path("Id").asText()).as(host).isNotEqualTo(nodeIds.get(host));
            assertThat(node.path("Image").asText()).isEqualTo("calico/node:v2.6.11");
            assertThat(E2e.containers(agent).get("calico-libnetwork").path("Id").asText()).isEqualTo(libnetworkIds.get(host));
            assertThat(Files.getLastModifiedTime(root(agent).resolve("opt/mesosphere/etc/dcos/network/cni/calico.cni")))
                    .isEqualTo(cniTimes.get(host));
            assertThat(E2e.restarts(agent)).hasSize(systemctlCalls.get(host));
        }
        assertThat(status.events()).extracting(ClusterEvent::message)
                .contains("spec revision " + demo.specRevision() + " changes spec.node.image; steps to re-run: node");
    }

    @Test
    @Order(3)
    void anInvalidSpecWrittenWithEtcdctlLeavesEveryAgentUntouched() throws Exception {
        Map<String, Long> before = snapshot();
        Path etcdctl = Executables.find("etcdctl").orElseThrow();
        Process put = new ProcessBuilder(etcdctl.toString(), "--endpoints", demo.etcdEndpoint(), "put", demo.keys().spec(),
                spec.replace("maxConcurrentRestarts: 1", "maxConcurrentRestarts: 0") + "  node:\n    image: calico/node:v9\n")
                .redirectErrorStream(true).start();
        assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(put.exitValue()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> demo.status()
                .filter(s -> s.observedGeneration() == demo.specRevision() && s.isTrue(Condition.INVALID_SPEC)).isPresent());
        assertThat(demo.status().orElseThrow().condition(Condition.INVALID_SPEC).orElseThrow().message())
                .contains("spec.rollout.maxConcurrentRestarts: must be ≥ 1");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> snapshot().equals(before));
        demo.apply(spec + "  node:\n    image: calico/node:v2.6.11\n");
    }

    @Test
    @Order(4)
    void pauseHoldsAChangeBackAndResumeAppliesIt() throws Exception {
        awaitReady(demo, CONVERGE);
        Map<String, Long> before = snapshot();
        Cli.run(demo, "pause");

        demo.apply(spec.replace("  cni:\n    plugins:", "  cni:\n    mtu: 1440\n    plugins:") + "  node:\n    image: calico/node:v2.6.11\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> demo.status()
                .filter(s -> s.observedGeneration() == demo.specRevision() && s.isTrue(Condition.PAUSED)).isPresent());
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> snapshot().equals(before));

        Cli.run(demo, "resume");
        awaitReady(demo, CONVERGE);
        for (SimAgent agent : demo.sim().agents()) {
            assertThat(E2e.read(root(agent).resolve("opt/mesosphere/etc/dcos/network/cni/calico.cni"))).contains("1440");
        }
        assertThat(E2e.maxOverlappingRestarts(demo.sim().agents())).isEqualTo(1);
    }

    /** What a step would change on every agent: container ids, config file times, restart counts. */
    private static Map<String, Long> snapshot() throws IOException {
        Map<String, Long> state = new HashMap<>();
        for (SimAgent agent : demo.sim().agents()) {
            String host = agent.spec().hostname();
            E2e.containers(agent).forEach((name, c) -> state.put(host + "/" + name, (long) c.path("Id").asText().hashCode()));
            for (String file : List.of("opt/mesosphere/etc/dcos/network/cni/calico.cni", "etc/docker/daemon.json")) {
                Path p = root(agent).resolve(file);
                state.put(host + "/" + file, Files.exists(p) ? Files.getLastModifiedTime(p).toMillis() : -1);
            }
            state.put(host + "/restarts", (long) E2e.restarts(agent).size());
        }
        return state;
    }
}
