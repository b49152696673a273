package dev.calicodcos.e2e.mesos;

import static dev.calicodcos.controller.mesos.TaskState.TASK_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.controller.fleet.FetchedArtifact;
import dev.calicodcos.controller.fleet.NodeAgentFramework;
import dev.calicodcos.controller.fleet.NodeAgentTask;
import dev.calicodcos.controller.fleet.NodeAgentTaskFactory;
import dev.calicodcos.controller.mesos.InMemoryFrameworkIdStore;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.sim.master.OfferCounts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-agent framework at 200 agents against the simulator, offers counted by the simulated master:
 * once every agent runs its node agent the framework is suppressed and the master sends nothing; a new
 * agent and a node agent that died each cost one REVIVE, a round of offers per role, and get their node agent.
 */
@Tag("integration")
class NodeAgentFrameworkAtScaleTest {
    private static final int AGENTS = 200;
    private static final Duration ROLLOUT = Duration.ofMinutes(4);
    private static final Duration QUIET = Duration.ofSeconds(3);
    /**
     * The framework's roles (its own and slave_public). Unreserved resources may be offered to either, and a
     * DECLINE filters only the role it declines, so a REVIVE costs up to one round of offers per role (as on Mesos).
     */
    private static final long ROLES = 2;

    @TempDir
    Path tmp;

    @Test
    void everyAgentCoveredMeansNoOffersAndANewAgentOrADeadNodeAgentRevivesOnce() throws Exception {
        // heartbeats every 2 s, not the harness' 200 ms: 200 agents' processes on a busy machine must not stall the
        // stream into a resubscription, which would (rightly) bring every offer back once more
        try (DriverHarness mesos = DriverHarness.start(DriverHarness.simulator(IntStream.range(0, AGENTS)
                .mapToObj(i -> AgentSpec.privateAgent("10.3." + i / 250 + "." + i % 250)).toArray(AgentSpec[]::new))
                .heartbeatInterval(Duration.ofSeconds(2)));
             NodeAgentFramework fleet = new NodeAgentFramework(self -> mesos.build(DriverHarness.config(mesos.cluster.masterUrl()),
                     new InMemoryFrameworkIdStore(), self::knownTasks, event -> {
                         mesos.events.onEvent(event);
                         self.onEvent(event);
                     }), sleepingNodeAgents(), Clock.systemUTC(), Duration.ofMillis(300), new SimpleMeterRegistry())) {
            coverEveryAgentThenAddOneAndKillOne(mesos.cluster, fleet);
            assertThat(mesos.liveTasksByAgent().values()).allSatisfy(tasks -> assertThat(tasks).hasSize(1));
            assertThat(mesos.events.subscriptions()).as("one subscription throughout").hasSize(1);
        }
    }

    private void coverEveryAgentThenAddOneAndKillOne(SimulatedCluster cluster, NodeAgentFramework fleet) {
        Set<String> desired = cluster.agents().stream().map(a -> a.id().getValue()).collect(Collectors.toCollection(HashSet::new));

        fleet.lead();
        fleet.setDesired(desired);

        await().atMost(ROLLOUT).until(() -> running(fleet).keySet().equals(desired));
        OfferCounts converged = quiet(cluster);
        assertThat(converged.suppresses()).as("suppressed once every agent had its node agent").isPositive();
        assertThat(converged.accepted()).isEqualTo(AGENTS);

        String added = cluster.faults().addAgent(AgentSpec.privateAgent("10.3.9.9")).id().getValue();
        desired.add(added);
        fleet.setDesired(desired);

        await().atMost(ROLLOUT).until(() -> running(fleet).keySet().equals(desired));
        OfferCounts afterNewAgent = quiet(cluster);
        assertThat(afterNewAgent.revives() - converged.revives()).as("one REVIVE for the new agent").isEqualTo(1);
        assertThat(afterNewAgent.sent() - converged.sent()).as("a round of offers per role: %s then %s", converged, afterNewAgent)
                .isBetween((long) AGENTS + 1, ROLES * (AGENTS + 1L));

        String victim = desired.iterator().next();
        String died = running(fleet).get(victim);
        cluster.faults().failTask(died);

        await().atMost(ROLLOUT).until(() -> running(fleet).keySet().equals(desired) && !running(fleet).get(victim).equals(died));
        OfferCounts afterRelaunch = quiet(cluster);
        assertThat(afterRelaunch.revives() - afterNewAgent.revives()).as("one REVIVE for the relaunch").isEqualTo(1);
        assertThat(afterRelaunch.sent() - afterNewAgent.sent()).isLessThanOrEqualTo(ROLES * (AGENTS + 1L));
        assertThat(fleet.tasks()).hasSize(AGENTS + 1).allSatisfy(t -> assertThat(t.state()).isEqualTo(TASK_RUNNING));
        System.out.printf("%d agents: offers sent %d to converge, %d for a new agent, %d for a relaunch; none while converged%n",
                AGENTS, converged.sent(), afterNewAgent.sent() - converged.sent(), afterRelaunch.sent() - afterNewAgent.sent());
    }

    /** Waits until the master has sent no offer for {@link #QUIET}: zero offers per second. */
    private static OfferCounts quiet(SimulatedCluster cluster) {
        OfferCounts[] last = {cluster.offerCounts()};
        await().atMost(QUIET.multipliedBy(10)).pollInterval(QUIET).until(() -> {
            OfferCounts now = cluster.offerCounts();
            boolean none = now.sent() == last[0].sent() && now.outstanding() == 0;
            last[0] = now;
            return none;
        });
        return last[0];
    }

    /** RUNNING node-agent tasks as the framework sees them, by agent (fails if an agent has two). */
    private static Map<String, String> running(NodeAgentFramework fleet) {
        return fleet.tasks().stream().filter(t -> t.state() == TASK_RUNNING)
                .collect(Collectors.toMap(NodeAgentTask::agentId, NodeAgentTask::taskId));
    }

    /** The production factory with a runtime whose "java" only sleeps: 200 real node agents are too many for one machine. */
    private NodeAgentTaskFactory sleepingNodeAgents() throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("runtime/calico-dcos-runtime/bin"));
        Files.setPosixFilePermissions(Files.writeString(bin.resolve("java"), "#!/bin/sh\nexec sleep 600\n"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        Path runtime = tmp.resolve("calico-dcos-runtime.tar.gz");
        Process tar = new ProcessBuilder("tar", "-C", tmp.resolve("runtime").toString(), "-czf", runtime.toString(),
                "calico-dcos-runtime").inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        Path jar = Files.writeString(tmp.resolve("calico-dcos.jar"), "not a jar\n");
        return new NodeAgentTaskFactory("scale1", new FetchedArtifact(runtime.toUri().toString(), Artifact.sha256(runtime)),
                new FetchedArtifact(jar.toUri().toString(), Artifact.sha256(jar)), List.of(), 0.1, 32, Map.of());
    }
}
