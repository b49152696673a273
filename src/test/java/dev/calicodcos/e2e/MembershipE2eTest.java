package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Agents that join mid-rollout converge; agents that leave are reported, then released. */
@Tag("integration")
class MembershipE2eTest {

    @Test
    void anAgentAddedMidRolloutConvergesAndOneRemovedIsReportedThenReleased() throws Exception {
        List<AgentSpec> agents = List.of(AgentSpec.privateAgent("10.0.2.1"), AgentSpec.privateAgent("10.0.2.2"),
                AgentSpec.publicAgent("10.0.2.3"));
        try (DemoCluster demo = DemoCluster.start(E2e.options(3).withAgents(agents).withGoneGrace(Duration.ofSeconds(5)))) {
            demo.apply(demo.exampleSpec());
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.status().map(s -> s.agents().size() == 3).orElse(false));

            SimAgent joined = demo.sim().faults().addAgent(AgentSpec.privateAgent("10.0.2.4"));
            ClusterStatus four = E2e.awaitReady(demo, Duration.ofMinutes(3));
            assertThat(four.agents()).containsKey(E2e.agentId(joined));
            assertThat(four.agentCounts()).containsEntry(AgentPhase.READY, 4);

            String leaving = E2e.agentId(demo.sim().agent("10.0.2.2"));
            assertThat(demo.sim().faults().removeAgent("10.0.2.2")).isTrue();

            await().atMost(Duration.ofSeconds(60)).until(() -> demo.status()
                    .map(s -> s.events().stream().anyMatch(e -> e.reason().equals("AgentGone") && leaving.equals(e.agentId())))
                    .orElse(false));
            await().atMost(Duration.ofSeconds(60)).until(() -> demo.status()
                    .map(s -> s.events().stream().anyMatch(e -> e.reason().equals("AgentRemoved") && leaving.equals(e.agentId())))
                    .orElse(false));
            ClusterStatus three = E2e.awaitReady(demo, Duration.ofSeconds(30));
            assertThat(three.agents()).doesNotContainKey(leaving);
            assertThat(three.events()).extracting(ClusterEvent::reason).contains("AgentSelected", "AgentGone", "AgentRemoved");
        }
    }
}
