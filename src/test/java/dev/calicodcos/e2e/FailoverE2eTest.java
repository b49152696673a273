package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.Controller;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Killing the leader mid-rollout: the standby takes over, nothing is redone, the restart budget holds throughout. */
@Tag("integration")
class FailoverE2eTest {

    @Test
    void aStandbyFinishesTheRolloutWithoutRedoingAStepOrExceedingTheBudget() throws Exception {
        List<AgentSpec> docker20 = IntStream.rangeClosed(1, 4)
                .mapToObj(i -> AgentSpec.privateAgent("10.0.1." + i).withDockerVersion("20.10.24")).toList();
        try (DemoCluster demo = DemoCluster.start(E2e.options(4).withAgents(docker20))) {
            Controller first = demo.controllers().get(0);
            Controller second = demo.startController();
            demo.apply(demo.exampleSpec());
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.sim().agents().stream().anyMatch(a -> !E2e.restarts(a).isEmpty()));
            // whichever replica leads now (under load the second may have won, or leadership moved once)
            await().atMost(Duration.ofSeconds(30)).until(() -> first.isLeader() || second.isLeader());
            Controller leader = first.isLeader() ? first : second;
            Controller standby = leader == first ? second : first;

            leader.close();

            await().atMost(Duration.ofSeconds(30)).until(standby::isLeader);
            E2e.awaitReady(demo, Duration.ofMinutes(3));
            for (SimAgent agent : demo.sim().agents()) {
                assertThat(E2e.restarts(agent)).as(agent.spec().hostname()).extracting(E2e.Call::args).containsExactly("restart docker");
            }
            assertThat(E2e.maxOverlappingRestarts(demo.sim().agents())).isEqualTo(1);
        }
    }
}
