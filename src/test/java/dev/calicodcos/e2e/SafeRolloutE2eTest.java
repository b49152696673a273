package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.StepCell;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.sim.docker.DockerEngineFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Safe rollout on a simulated cluster with real etcd, the controller and real node agents: a bad
 * image touches at most the budget and halts, an image that never gets ready is rolled back on the
 * canary agents only, a Docker that refuses the new daemon.json gets the old one back. Over every
 * run, the agents' own disruption logs never show more agents disturbed at once than the budget.
 */
@Tag("integration")
class SafeRolloutE2eTest {
    private static final String NODE = "calico-node";

    private static List<AgentSpec> privateAgents(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> AgentSpec.privateAgent("10.0.5." + i).withDockerVersion("20.10.24")).toList();
    }

    /** The demo spec with the budget, the canary wave and calico/node's image set (indentation as in demo-cluster.yaml). */
    private static String spec(DemoCluster demo, int budget, String canary, String restartTimeout, String nodeImage) throws Exception {
        return DemoCluster.withNodeImage(demo.exampleSpec()
                .replace("    maxConcurrentRestarts: 1\n", "    maxConcurrentRestarts: " + budget + "\n    canary: " + canary + "\n")
                .replace("    restartTimeout: 1m\n", "    restartTimeout: " + restartTimeout + "\n"), nodeImage);
    }

    /** Each agent's calico-node container: its id and the image content it runs. */
    private static Map<String, JsonNode> nodeContainers(List<SimAgent> agents) {
        Map<String, JsonNode> out = new HashMap<>();
        agents.forEach(a -> out.put(a.spec().hostname(), E2e.containers(a).get(NODE)));
        return out;
    }

    private static StepCell nodeCell(ClusterStatus status, SimAgent agent) {
        return status.agents().get(E2e.agentId(agent)).steps().get(StepName.NODE);
    }

    private static boolean halted(DemoCluster demo) {
        return demo.status().flatMap(s -> s.condition(Condition.DEGRADED)).filter(c -> c.isTrue() && c.reason().equals("RolloutHalted"))
                .isPresent();
    }

    @Test
    void anUnknownImageTouchesAtMostTheBudgetKeepsTheOldContainersAndHaltsUntilTheImageIsFixed() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(5).withAgents(privateAgents(5)))) {
            List<SimAgent> agents = demo.sim().agents();
            demo.apply(spec(demo, 2, "0", "1m", "calico/node:v2.6.11"));
            E2e.awaitReady(demo, Duration.ofMinutes(3));
            Map<String, JsonNode> before = nodeContainers(agents);

            demo.apply(spec(demo, 2, "0", "1m", "calico/node:v2.6.12-typo"));
            await().atMost(Duration.ofMinutes(2)).until(() -> halted(demo));
            ClusterStatus status = demo.status().orElseThrow();
            List<SimAgent> failed = agents.stream()
                    .filter(a -> nodeCell(status, a).phase() == StepPhase.FAILED).toList();
            assertThat(failed).as("only agents holding a slot pulled").hasSizeBetween(1, 2);
            failed.forEach(a -> assertThat(status.agents().get(E2e.agentId(a)).message())
                    .contains("node: ImagePullFailed: ", "manifest for calico/node:v2.6.12-typo not found", "still runs calico/node:v2.6.11"));
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> {
                ClusterStatus now = demo.status().orElseThrow();
                return agents.stream().filter(a -> nodeCell(now, a).phase() == StepPhase.FAILED).count() <= 2
                        && nodeContainers(agents).equals(before);
            });
            nodeContainers(agents).forEach((host, c) -> assertThat(c.path("State").asText()).as(host).isEqualTo("running"));

            demo.apply(spec(demo, 2, "0", "1m", "calico/node:v2.6.12"));
            E2e.awaitReady(demo, Duration.ofMinutes(3));
            nodeContainers(agents).forEach((host, c) -> assertThat(c.path("Image").asText()).as(host).isEqualTo("calico/node:v2.6.12"));
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).isBetween(1, 2);
        }
    }

    @Test
    void anImageThatNeverGetsReadyIsRolledBackOnTheCanariesOnlyToTheSameImage() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(5).withAgents(privateAgents(5)))) {
            List<SimAgent> agents = demo.sim().agents();
            demo.apply(spec(demo, 2, "2", "8s", "calico/node:v2.6.12"));
            E2e.awaitReady(demo, Duration.ofMinutes(3));
            Map<String, JsonNode> before = nodeContainers(agents);

            demo.apply(spec(demo, 2, "2", "8s", "calico/node:v2.6.12-sim-never-ready"));
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.status()
                    .filter(s -> s.rollout().canaryAgents().size() == 2).isPresent());
            Set<String> canaries = demo.status().orElseThrow().rollout().canaryAgents();
            List<SimAgent> canaryAgents = agents.stream().filter(a -> canaries.contains(E2e.agentId(a))).toList();
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.status().filter(s -> canaryAgents.stream()
                    .allMatch(a -> nodeCell(s, a).phase() == StepPhase.FAILED
                            && s.agents().get(E2e.agentId(a)).message().startsWith("node: RolledBack: "))).isPresent());
            await().atMost(Duration.ofSeconds(30)).until(() -> halted(demo));

            ClusterStatus status = demo.status().orElseThrow();
            for (SimAgent canary : canaryAgents) {
                assertThat(nodeCell(status, canary).message()).contains("Felix readiness", "503", "put back the previous container");
                JsonNode now = E2e.containers(canary).get(NODE);
                JsonNode was = before.get(canary.spec().hostname());
                assertThat(now.path("ImageID").asText()).as("the same image content as before").isEqualTo(was.path("ImageID").asText());
                assertThat(now.path("State").asText()).isEqualTo("running");
            }
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> agents.stream()
                    .filter(a -> !canaries.contains(E2e.agentId(a)))
                    .allMatch(a -> E2e.containers(a).get(NODE).path("Id").equals(before.get(a.spec().hostname()).path("Id"))
                            && E2e.disruptions(a).stream().noneMatch(w -> w.step().equals("node"))));
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aDockerThatRefusesTheNewDaemonJsonGetsTheOldOneBackByteForByte() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(2).withAgents(privateAgents(2)))) {
            List<SimAgent> agents = demo.sim().agents();
            SimAgent refusing = agents.get(0);
            Path daemonJson = refusing.hostRoot().daemonJson();
            String users = "{\n  \"log-level\": \"warn\",\n  \"registry-mirrors\": [\"https://mirror.example\"]\n}\n";
            Files.writeString(daemonJson, users);
            demo.sim().faults().dockerRefusesConfig(refusing.spec().hostname(), "cluster-store",
                    "unable to configure the Docker daemon: cluster-store is not reachable from this host");

            demo.apply(demo.exampleSpec());
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.status()
                    .map(s -> s.agents().get(E2e.agentId(refusing)))
                    .filter(row -> row.steps().containsKey(StepName.DOCKER_CLUSTER_STORE)
                            && row.steps().get(StepName.DOCKER_CLUSTER_STORE).phase() == StepPhase.FAILED
                            && row.message().startsWith("dockerClusterStore: RolledBack: ")).isPresent());

            assertThat(Files.readString(daemonJson)).as("the user's file, byte for byte").isEqualTo(users);
            assertThat(refusing.docker().state()).isEqualTo(DockerEngineFake.DaemonState.RUNNING);
            StepCell cell = demo.status().orElseThrow().agents().get(E2e.agentId(refusing)).steps().get(StepName.DOCKER_CLUSTER_STORE);
            assertThat(cell.message()).contains("restored", "docker is active");
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).isEqualTo(1);

            demo.sim().faults().clearDockerRefusal(refusing.spec().hostname());
            Cli.run(demo, "resume");
            assertThat(E2e.disruptions(refusing).stream().map(E2e.Window::step).collect(Collectors.toList())).contains("dockerClusterStore");
        }
    }

    @Test
    void aCrashLoopingImageIsRolledBackOnTheCanaryAndTheRestAreUntouched() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(3).withAgents(privateAgents(3)))) {
            List<SimAgent> agents = demo.sim().agents();
            demo.apply(spec(demo, 1, "1", "8s", "calico/node:v2.6.12"));
            E2e.awaitReady(demo, Duration.ofMinutes(3));
            Map<String, JsonNode> before = nodeContainers(agents);

            demo.apply(spec(demo, 1, "1", "8s", "calico/node:v2.6.12-sim-crash-loop"));
            await().atMost(Duration.ofMinutes(2)).until(() -> halted(demo));

            ClusterStatus status = demo.status().orElseThrow();
            List<SimAgent> rolledBack = agents.stream()
                    .filter(a -> status.agents().get(E2e.agentId(a)).message().startsWith("node: RolledBack: ")).toList();
            assertThat(rolledBack).as("the one canary").hasSize(1);
            assertThat(status.agents().get(E2e.agentId(rolledBack.get(0))).message()).contains("not running", "put back the previous container");
            JsonNode now = E2e.containers(rolledBack.get(0)).get(NODE);
            assertThat(now.path("ImageID").asText()).isEqualTo(before.get(rolledBack.get(0).spec().hostname()).path("ImageID").asText());
            assertThat(now.path("State").asText()).isEqualTo("running");
            agents.stream().filter(a -> a != rolledBack.get(0)).forEach(a -> assertThat(E2e.containers(a).get(NODE).path("Id"))
                    .isEqualTo(before.get(a.spec().hostname()).path("Id")));
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).isEqualTo(1);
        }
    }
}
