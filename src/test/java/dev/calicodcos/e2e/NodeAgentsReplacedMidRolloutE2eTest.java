package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every node agent ends at once while agents are inside their Docker restart windows (half of them
 * stopped as Mesos kills a task, half killed outright), and the controller relaunches them all: the
 * budget must hold over the whole run, restart and stability windows included, read from the agents'
 * own disruption logs, and each agent must restart Docker once. A restart slot belongs to the agent,
 * not to its node agent: the relaunched node agent finds the restart on the host and finishes it
 * under the same grant.
 */
@Tag("integration")
class NodeAgentsReplacedMidRolloutE2eTest {
    private static final int AGENTS = 6;
    private static final int BUDGET = 2;

    @Test
    void everyNodeAgentEndingInTheMiddleOfRestartsKeepsTheBudgetAndRestartsEachDockerOnce() throws Exception {
        List<AgentSpec> agents = E2e.docker20Agents("10.0.6", AGENTS);
        try (DemoCluster demo = DemoCluster.start(E2e.options(AGENTS).withAgents(agents))) {
            demo.apply(demo.exampleSpec().replace("maxConcurrentRestarts: 1", "maxConcurrentRestarts: " + BUDGET));
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                    .until(() -> demo.sim().agents().stream().filter(E2e::inWindow).count() == BUDGET);

            List<SimAgent> all = demo.sim().agents();
            for (int i = 0; i < all.size(); i++) {
                for (String task : all.get(i).liveTasks()) {
                    if (i % 2 == 0) {
                        demo.sim().faults().terminateTask(task);
                    } else {
                        demo.sim().faults().failTask(task);
                    }
                }
            }

            ClusterStatus ready = E2e.awaitReady(demo, Duration.ofMinutes(6));
            assertThat(ready.agents()).hasSize(AGENTS);
            assertThat(E2e.maxAgentsDisruptedAtOnce(all)).as("agents in a disruptive action at once").isLessThanOrEqualTo(BUDGET);
            for (SimAgent agent : all) {
                assertThat(E2e.restarts(agent)).as(agent.spec().hostname()).extracting(E2e.Call::args).containsExactly("restart docker");
                assertThat(agent.liveTasks()).as("node agents on %s", agent.spec().hostname()).hasSize(1);
            }
        }
    }
}
