package dev.calicodcos.controller.plan;

import static dev.calicodcos.controller.plan.PlannerFixtures.privateAgent;
import static dev.calicodcos.model.agent.StepPhase.AWAITING_RESTART;
import static dev.calicodcos.model.agent.StepPhase.DONE;
import static dev.calicodcos.model.agent.StepPhase.FAILED;
import static dev.calicodcos.model.agent.StepPhase.REMOVED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.Condition;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who goes when: the canary wave, the controller's own agent, failed agents in the budget, and uninstall. */
class RolloutOrderPlannerTest {
    private final PlannerFixtures w = new PlannerFixtures();

    private void fourAgents() {
        w.agents(privateAgent("a1"), privateAgent("a2"), privateAgent("a3"), privateAgent("a4"));
    }

    @Test
    void theCanaryWaveGoesFirstAndTheOthersArePausedUntilItIsReady() {
        fourAgents();
        w.spec("rollout: {maxConcurrentRestarts: 2, canary: 1}\n");

        PlanResult held = w.round();

        assertThat(held.plans().get("a1").paused()).isFalse();
        assertThat(held.plans().get("a2").paused()).isTrue();
        assertThat(held.plans().get("a4").paused()).isTrue();
        assertThat(held.status().rollout().canaryAgents()).containsExactly("a1");
        assertThat(held.status().events()).extracting(ClusterEvent::reason).contains("CanaryWave");

        w.report("a1", DONE);
        PlanResult passed = w.round();

        assertThat(passed.plans().values()).noneMatch(p -> p.paused());
        assertThat(passed.status().rollout().canaryAgents()).isEmpty();
        assertThat(passed.status().rollout().canaryPassedRevision()).isEqualTo(w.revision);
        assertThat(passed.status().events()).extracting(ClusterEvent::reason).contains("CanaryPassed");
    }

    private static AgentView onRack(String id, String rack) {
        return new AgentView(id, id + ".example.com", Set.of("*"), Map.of("rack", rack), true);
    }

    @Test
    void aCanarySelectorMakesTheWaveOfTheAgentsItMatchesByAttributeOrHostname() {
        w.agents(onRack("a1", "r1"), onRack("a2", "r2"), onRack("a3", "r2"), onRack("a4", "r1"));
        w.spec("rollout: {canary: {attributes: {rack: r2}}}\n");

        PlanResult byRack = w.round();

        assertThat(byRack.status().rollout().canaryAgents()).containsExactlyInAnyOrder("a2", "a3");
        assertThat(byRack.plans().get("a1").paused()).isTrue();
        assertThat(byRack.plans().get("a3").paused()).isFalse();

        w.spec("rollout: {canary: {hostnames: [a4.example.com], attributes: {rack: r1}}}\n");
        assertThat(w.round().status().rollout().canaryAgents()).containsExactly("a4");
    }

    @Test
    void aCanarySelectorMatchingNoAgentPausesTheRolloutAndSaysWhyUntilAnAgentMatches() {
        w.agents(onRack("a1", "r1"), onRack("a2", "r1"));
        w.spec("rollout: {canary: {attributes: {rack: r9}}}\n");

        PlanResult nothing = w.round();

        assertThat(nothing.plans().values()).allMatch(p -> p.paused());
        assertThat(nothing.status().condition(Condition.PAUSED)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo("True");
            assertThat(c.reason()).isEqualTo("CanaryMatchesNoAgent");
            assertThat(c.message()).contains("{attributes: {rack: r9}}");
        });
        assertThat(nothing.status().events()).extracting(ClusterEvent::reason).containsOnlyOnce("CanaryMatchesNoAgent");
        assertThat(w.round().status().events()).extracting(ClusterEvent::reason).as("said once").containsOnlyOnce("CanaryMatchesNoAgent");

        w.agents(onRack("a3", "r9"));
        PlanResult matched = w.round();

        assertThat(matched.status().isTrue(Condition.PAUSED)).isFalse();
        assertThat(matched.status().rollout().canaryAgents()).containsExactly("a3");
        assertThat(matched.plans().get("a3").paused()).isFalse();
        assertThat(matched.plans().get("a1").paused()).isTrue();
    }

    @Test
    void aCanarySelectorNeverMakesTheControllersOwnAgentACanary() {
        w.agents(onRack("a1", "r1"), onRack("a2", "r1"), onRack("a3", "r2"));
        w.selfHost = Optional.of("a1.example.com");
        w.spec("rollout: {canary: {attributes: {rack: r1}}}\n");

        assertThat(w.round().status().rollout().canaryAgents()).containsExactly("a2");
    }

    @Test
    void aCanaryWaveThatPassedDoesNotHoldAgainWhenAnAgentJoinsAtTheSameRevision() {
        w.agents(privateAgent("b1"), privateAgent("b2"));
        w.spec("rollout: {canary: 1}\n");
        w.round();
        w.report("b1", DONE);
        w.round();

        w.agents(privateAgent("a0")); // sorts first: it would be the wave now
        PlanResult result = w.round();

        assertThat(result.plans().values()).noneMatch(p -> p.paused());
    }

    @Test
    void aFailedCanaryHaltsBeforeAnyOtherAgentIsTouched() {
        fourAgents();
        w.spec("rollout: {maxConcurrentRestarts: 2, canary: '25%'}\n");
        w.round();
        w.report("a1", DONE, StepName.NODE, FAILED);

        PlanResult result = w.round();

        assertThat(result.status().rollout().halted()).isTrue();
        assertThat(result.plans().get("a2").paused()).isTrue();
        assertThat(result.plans().get("a3").paused()).isTrue();
    }

    @Test
    void failedAgentsWithoutAGrantTakeBudgetUntilTheirFailureIsAccepted() {
        fourAgents();
        w.spec("rollout: {maxConcurrentRestarts: 2, maxFailedAgents: 1}\n");
        w.round();
        w.report("a1", DONE, StepName.CNI, FAILED)
                .report("a2", DONE, StepName.DOCKER_CLUSTER_STORE, AWAITING_RESTART)
                .report("a3", DONE, StepName.DOCKER_CLUSTER_STORE, AWAITING_RESTART);

        PlanResult result = w.round();

        assertThat(result.plans().values().stream().filter(p -> p.restartGrant().isPresent()))
                .as("one slot is a1's, failed; one is left").hasSize(1);
    }

    @Test
    void theControllersOwnAgentIsGrantedOnlyWhenNoOtherAgentIsOnItsWay() {
        fourAgents();
        w.selfHost = Optional.of("a1.example.com");
        w.spec("rollout: {maxConcurrentRestarts: 3}\n");
        w.round();
        w.report("a1", DONE, StepName.DOCKER_CLUSTER_STORE, AWAITING_RESTART)
                .report("a2", DONE, StepName.DOCKER_CLUSTER_STORE, AWAITING_RESTART)
                .report("a3", DONE)
                .report("a4", DONE, StepName.CNI, AWAITING_RESTART);

        PlanResult first = w.round();
        assertThat(first.plans().get("a1").restartGrant()).isEmpty();
        assertThat(first.plans().get("a2").restartGrant()).isPresent();

        w.report("a2", DONE).report("a4", DONE);
        PlanResult last = w.round();
        assertThat(last.plans().get("a1").restartGrant()).isPresent();
    }

    @Test
    void anUninstallPlansRemovalThenEndsEveryPlanAndSaysUninstalled() {
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.round();
        w.report("a1", DONE).report("a2", DONE);
        w.round();
        w.spec("uninstall: true\n");

        PlanResult removing = w.round();
        assertThat(removing.plans().values()).allMatch(p -> p.uninstall());
        assertThat(removing.status().isTrue(Condition.READY)).isFalse();

        w.report("a1", REMOVED).report("a2", REMOVED);
        PlanResult done = w.round();
        assertThat(done.plans()).isEmpty();
        assertThat(done.deletePlans()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(done.status().condition(Condition.READY)).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Uninstalled"));
        assertThat(done.status().agents()).isEmpty();
        assertThat(done.status().events()).extracting(ClusterEvent::reason).contains("Uninstalled");

        w.reports.clear(); // the node agents are ended: their reports expire
        PlanResult after = w.round();
        assertThat(after.plans()).isEmpty();
        assertThat(after.status().condition(Condition.READY)).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Uninstalled"));
        assertThat(after.status().events()).extracting(ClusterEvent::reason).containsOnlyOnce("Uninstalled");
    }
}
