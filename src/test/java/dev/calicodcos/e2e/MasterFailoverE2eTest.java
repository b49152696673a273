package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.sim.agent.SimAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Mesos master fails over mid-rollout, then no master leads for a while: the rollout goes on
 * meanwhile (grants live in etcd, node agents do not need the master), the controller resubscribes
 * with its framework ID once a master leads again, and no node agent is launched twice or relaunched.
 */
@Tag("integration")
class MasterFailoverE2eTest {

    @Test
    void aMasterFailoverMidRolloutKeepsEveryNodeAgentAndTheRolloutFinishesWithEachStepDoneOnceUnderTheBudget() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(3).withAgents(E2e.docker20Agents("10.0.10", 3)))) {
            demo.apply(demo.exampleSpec());
            List<SimAgent> agents = demo.sim().agents();
            SimAgent first = E2e.awaitAgentInWindow(agents, Duration.ofMinutes(3));
            Map<String, Map<String, String>> tasksBefore = E2e.nodeAgentTasks(demo);
            assertThat(tasksBefore).as("a node agent on every agent before the failover").hasSize(3)
                    .allSatisfy((agent, tasks) -> assertThat(tasks).hasSize(1).containsValue("TASK_RUNNING"));
            String frameworkId = ourFramework(demo).path("id").asText();
            long suppressesBefore = demo.sim().offerCounts().suppresses();

            demo.sim().faults().failoverMaster();
            demo.sim().faults().noLeader();
            // no master leads: the rollout still moves on to the next agent
            await().atMost(Duration.ofMinutes(2)).until(() -> agents.stream().filter(a -> a != first).anyMatch(a -> !E2e.restarts(a).isEmpty()));
            demo.sim().faults().restoreLeader();

            await().atMost(Duration.ofMinutes(2)).until(() -> ourFramework(demo).path("active").asBoolean());
            assertThat(ourFramework(demo).path("id").asText()).as("resubscribed with its framework ID").isEqualTo(frameworkId);
            // reconciled and settled: every node agent known again, nothing left to launch, offers suppressed
            await().atMost(Duration.ofMinutes(1)).until(() -> demo.sim().offerCounts().suppresses() > suppressesBefore);
            E2e.awaitReady(demo, Duration.ofMinutes(3));

            assertThat(E2e.nodeAgentTasks(demo)).as("the same node-agent tasks: none launched twice, none relaunched")
                    .isEqualTo(tasksBefore);
            agents.forEach(E2e::assertEachStepActedOnce);
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).as("agents in a disruptive window at once").isEqualTo(1);
        }
    }

    /** The controller's framework as the leading master lists it (the only one of that name). */
    private static JsonNode ourFramework(DemoCluster demo) {
        List<JsonNode> ours = new ArrayList<>();
        E2e.masterState(demo).path("frameworks").forEach(f -> {
            if (f.path("name").asText().equals("calico-dcos-demo")) {
                ours.add(f);
            }
        });
        assertThat(ours).as("frameworks named calico-dcos-demo").hasSize(1);
        return ours.get(0);
    }
}
