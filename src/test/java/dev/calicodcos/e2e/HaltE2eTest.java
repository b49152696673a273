package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A failed agent beyond maxFailedAgents halts the rollout; resume lets it go on; repairing the agent makes it Ready. */
@Tag("integration")
class HaltE2eTest {

    @Test
    void aFailureHaltsRestartsUntilResumeAndTheRepairedAgentConverges() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(1).withAgents(List.of(AgentSpec.privateAgent("10.0.3.1"))))) {
            // Someone else's cluster store on agent 1: a conflict the step reports instead of overwriting.
            Path daemonJson = demo.sim().agent("10.0.3.1").hostRoot().daemonJson();
            Files.writeString(daemonJson, "{\"cluster-store\": \"consul://10.9.9.9:8500\", \"log-level\": \"warn\"}\n");
            demo.apply(demo.exampleSpec());
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.status().flatMap(s -> s.condition(Condition.DEGRADED))
                    .filter(c -> c.isTrue() && c.reason().equals("RolloutHalted")).isPresent());

            SimAgent waiting = demo.sim().faults().addAgent(AgentSpec.privateAgent("10.0.3.2").withDockerVersion("20.10.24"));
            await().atMost(Duration.ofMinutes(2)).until(() -> demo.status()
                    .map(s -> s.agents().get(E2e.agentId(waiting)))
                    .map(a -> a.steps().get(StepName.DOCKER_CLUSTER_STORE))
                    .filter(cell -> cell.phase() == StepPhase.AWAITING_RESTART).isPresent());
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> E2e.restarts(waiting).isEmpty());
            assertThat(Files.readString(daemonJson)).as("the conflicting store is kept").contains("consul://10.9.9.9:8500");

            Cli.run(demo, "resume");
            await().atMost(Duration.ofMinutes(2)).until(() -> E2e.restarts(waiting).size() == 1);

            Files.writeString(daemonJson, "{\"log-level\": \"warn\"}\n");
            E2e.awaitReady(demo, Duration.ofMinutes(2));
            assertThat(Files.readString(daemonJson)).contains("\"log-level\"", "\"cluster-store\"");
        }
    }
}
