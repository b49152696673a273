package dev.calicodcos.e2e.mesos;

import static dev.calicodcos.controller.mesos.TaskState.TASK_FAILED;
import static dev.calicodcos.controller.mesos.TaskState.TASK_KILLED;
import static dev.calicodcos.controller.mesos.TaskState.TASK_KILLING;
import static dev.calicodcos.controller.mesos.TaskState.TASK_RUNNING;
import static dev.calicodcos.controller.mesos.TaskState.TASK_STARTING;
import static dev.calicodcos.e2e.mesos.DriverHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.controller.fleet.FetchedArtifact;
import dev.calicodcos.controller.fleet.NodeAgentFramework;
import dev.calicodcos.controller.fleet.NodeAgentTask;
import dev.calicodcos.controller.fleet.NodeAgentTaskFactory;
import dev.calicodcos.controller.mesos.InMemoryFrameworkIdStore;
import dev.calicodcos.controller.mesos.TaskStatus;
import dev.calicodcos.sim.AgentSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's {@link NodeAgentFramework} with a real driver against the simulator. The node-agent task
 * is the factory's own (fetch and extract the runtime, fetch the jar, run {@code calico-dcos-runtime/bin/java
 * ... -jar calico-dcos.jar node --agent-id ...} with shell: false); only the runtime's "java" is a tiny
 * script that ignores its arguments and sleeps.
 */
@Tag("integration")
class NodeAgentFrameworkOnSimulatorTest {
    private static final String AGENT_A = "10.0.1.21";
    private static final String AGENT_B = "10.0.1.22";
    private static final String PUBLIC_AGENT = "10.0.5.10";

    @TempDir
    Path tmp;

    private DriverHarness mesos;
    private NodeAgentFramework fleet;

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (mesos != null) {
            mesos.close();
        }
    }

    @Test
    void keepsOneNodeAgentPerDesiredAgentRelaunchesEndedOnesAndKillsUnwantedOnes() throws IOException, InterruptedException {
        mesos = DriverHarness.start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A), AgentSpec.privateAgent(AGENT_B),
                AgentSpec.publicAgent(PUBLIC_AGENT)));
        String agentA = mesos.agentId(AGENT_A);
        String agentB = mesos.agentId(AGENT_B);
        String publicAgent = mesos.agentId(PUBLIC_AGENT);
        fleet = new NodeAgentFramework(self -> mesos.build(DriverHarness.config(mesos.cluster.masterUrl()),
                new InMemoryFrameworkIdStore(), self::knownTasks, event -> {
                    mesos.events.onEvent(event);
                    self.onEvent(event);
                }), sleepingNodeAgents(), Clock.systemUTC(), Duration.ofMillis(300), new SimpleMeterRegistry());

        fleet.lead();
        fleet.setDesired(Set.of(agentA, agentB, publicAgent));

        await().atMost(WAIT).until(() -> runningByAgent().keySet().equals(Set.of(agentA, agentB, publicAgent)));
        assertExactlyOneLiveTaskOn(Set.of(agentA, agentB, publicAgent));
        Map<String, String> first = runningByAgent();
        assertThat(mesos.cluster.agent(AGENT_A).sandbox(first.get(agentA)).orElseThrow().resolve("calico-dcos.jar"))
                .as("the jar URI was fetched into the sandbox").exists();
        assertThat(mesos.calls.ofType("ACCEPT")).hasSize(3).allSatisfy(c -> assertThat(c.status()).isEqualTo(202));

        // a node agent dies (SIGKILL) and another is stopped from outside (SIGTERM): each is relaunched once, after a backoff
        mesos.cluster.faults().failTask(first.get(agentA));
        mesos.cluster.faults().terminateTask(first.get(publicAgent));

        await().atMost(WAIT).until(() -> {
            Map<String, String> now = runningByAgent();
            return now.size() == 3 && !now.get(agentA).equals(first.get(agentA))
                    && !now.get(publicAgent).equals(first.get(publicAgent));
        });
        Map<String, String> second = runningByAgent();
        assertThat(second.get(agentB)).isEqualTo(first.get(agentB));
        assertExactlyOneLiveTaskOn(Set.of(agentA, agentB, publicAgent));
        assertThat(mesos.sandboxTaskIds(AGENT_A)).containsExactlyInAnyOrder(first.get(agentA), second.get(agentA));
        assertThat(mesos.sandboxTaskIds(PUBLIC_AGENT)).containsExactlyInAnyOrder(first.get(publicAgent), second.get(publicAgent));
        assertThat(mesos.sandboxTaskIds(AGENT_B)).containsExactly(first.get(agentB));
        for (String agent : List.of(agentA, publicAgent)) {
            Instant ended = mesos.awaitState(first.get(agent), TASK_FAILED).timestamp().orElseThrow();
            Instant restarted = mesos.awaitState(second.get(agent), TASK_STARTING).timestamp().orElseThrow();
            assertThat(Duration.between(ended, restarted)).as("relaunch backoff on %s", agent)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }

        // B is no longer wanted: its node agent is killed, the others stay
        fleet.setDesired(Set.of(agentA, publicAgent));

        mesos.awaitState(second.get(agentB), TASK_KILLED);
        await().atMost(WAIT).until(() -> !mesos.liveTasksByAgent().containsKey(agentB)
                && fleet.tasks().stream().noneMatch(t -> t.agentId().equals(agentB)));
        assertThat(mesos.events.updates(second.get(agentB))).extracting(TaskStatus::state)
                .containsSubsequence(TASK_RUNNING, TASK_KILLING, TASK_KILLED);
        assertExactlyOneLiveTaskOn(Set.of(agentA, publicAgent));
        assertThat(runningByAgent()).containsEntry(agentA, second.get(agentA))
                .containsEntry(publicAgent, second.get(publicAgent));
        assertThat(mesos.sandboxTaskIds(AGENT_B)).containsExactly(first.get(agentB));
    }

    /** The production factory, with a runtime whose "java" sleeps whatever it is asked to run. */
    private NodeAgentTaskFactory sleepingNodeAgents() throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("runtime/calico-dcos-runtime/bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\nexec sleep 600\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path runtime = tmp.resolve("calico-dcos-runtime.tar.gz");
        Process tar = new ProcessBuilder("tar", "-C", tmp.resolve("runtime").toString(), "-czf", runtime.toString(), "calico-dcos-runtime")
                .inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        Path jar = Files.writeString(tmp.resolve("calico-dcos.jar"), "not really a jar\n");
        return new NodeAgentTaskFactory("test1", new FetchedArtifact(runtime.toUri().toString(), Artifact.sha256(runtime)),
                new FetchedArtifact(jar.toUri().toString(), Artifact.sha256(jar)),
                List.of("--etcd-endpoints", "http://127.0.0.1:2379"), 0.1, 64, Map.of("CALICO_DCOS_TEST", "1"));
    }

    /** RUNNING node-agent tasks as the framework sees them, by agent (fails if an agent has two). */
    private Map<String, String> runningByAgent() {
        return fleet.tasks().stream().filter(t -> t.state() == TASK_RUNNING)
                .collect(Collectors.toMap(NodeAgentTask::agentId, NodeAgentTask::taskId));
    }

    /** The master lists exactly one live task on each of {@code agents} and none elsewhere, the one the framework knows. */
    private void assertExactlyOneLiveTaskOn(Set<String> agents) {
        Map<String, List<String>> live = mesos.liveTasksByAgent();
        assertThat(live.keySet()).isEqualTo(agents);
        Map<String, String> known = runningByAgent();
        live.forEach((agent, tasks) -> assertThat(tasks).as("live tasks on %s", agent).containsExactly(known.get(agent)));
        assertThat(fleet.tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo(TASK_RUNNING));
    }
}
