package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * etcd restarted mid-rollout: the controller's watch and lease, and every node agent's, come back on
 * their own; the rollout finishes with each step done once and the budget held over the whole run,
 * read from the agents' own disruption logs.
 */
@Tag("integration")
class EtcdRestartE2eTest {

    @Test
    void aRolloutGoesOnAfterEtcdRestartsWithNothingRedoneAndTheBudgetHeld() throws Exception {
        List<AgentSpec> docker20 = IntStream.rangeClosed(1, 4)
                .mapToObj(i -> AgentSpec.privateAgent("10.0.1." + i).withDockerVersion("20.10.24")).toList();
        try (DemoCluster demo = DemoCluster.start(E2e.options(4).withAgents(docker20))) {
            demo.apply(demo.exampleSpec());
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.sim().agents().stream().anyMatch(a -> !E2e.restarts(a).isEmpty()));

            demo.restartEtcd();

            E2e.awaitReady(demo, Duration.ofMinutes(3));
            for (SimAgent agent : demo.sim().agents()) {
                assertThat(E2e.restarts(agent)).as(agent.spec().hostname()).extracting(E2e.Call::args).containsExactly("restart docker");
            }
            assertThat(E2e.maxAgentsDisruptedAtOnce(demo.sim().agents())).as("agents in a disruptive action at once").isEqualTo(1);
        }
    }
}
