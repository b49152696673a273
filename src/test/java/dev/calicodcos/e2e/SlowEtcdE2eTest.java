package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A slow etcd end to end: every byte between etcd and the product (the controller, the real node
 * agents) is delayed 200 ms each way. The rollout finishes with each agent's Docker restarted once
 * and the budget held over the whole run, read from the agents' own disruption logs. Two agents: a
 * restart needs both to wait their turn, and each more adds some 20 s at this delay.
 */
@Tag("integration")
class SlowEtcdE2eTest {
    private static final Duration SLOW = Duration.ofMillis(200);

    @Test
    void aRolloutAgainstAnEtcdThatAnswersInHalfASecondFinishesWithEachRestartDoneOnceAndTheBudgetHeld() throws Exception {
        List<AgentSpec> docker20 = IntStream.rangeClosed(1, 2)
                .mapToObj(i -> AgentSpec.privateAgent("10.0.1." + i).withDockerVersion("20.10.24")).toList();
        try (DemoCluster demo = DemoCluster.start(E2e.options(2).withAgents(docker20).withEtcdLatency(SLOW))) {
            long started = System.nanoTime();
            demo.apply(demo.exampleSpec());

            E2e.awaitReady(demo, Duration.ofMinutes(4));
            System.out.printf("slow etcd %d ms each way, end to end: %d agents ready in %d ms%n", SLOW.toMillis(), docker20.size(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            for (SimAgent agent : demo.sim().agents()) {
                assertThat(E2e.restarts(agent)).as(agent.spec().hostname()).extracting(E2e.Call::args).containsExactly("restart docker");
            }
            assertThat(E2e.maxAgentsDisruptedAtOnce(demo.sim().agents())).as("agents in a disruptive action at once").isEqualTo(1);
        }
    }
}
