package dev.calicodcos.controller.plan;

import static dev.calicodcos.controller.plan.PlannerFixtures.privateAgent;
import static dev.calicodcos.controller.plan.PlannerFixtures.publicAgent;
import static dev.calicodcos.model.agent.StepPhase.AWAITING_RESTART;
import static dev.calicodcos.model.agent.StepPhase.DONE;
import static dev.calicodcos.model.agent.StepPhase.FAILED;
import static dev.calicodcos.model.agent.StepPhase.PENDING;
import static dev.calicodcos.model.agent.StepPhase.RESTARTING;
import static dev.calicodcos.model.spec.StepName.CNI;
import static dev.calicodcos.model.spec.StepName.DOCKER_CLUSTER_STORE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.Condition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final PlannerFixtures w = new PlannerFixtures();

    @Test
    void everySelectedAgentGetsAPlanAndStartsPending() {
        w.agents(privateAgent("a1"), privateAgent("a2"), publicAgent("p1"));

        PlanResult result = w.round();

        assertThat(result.plans()).containsOnlyKeys("a1", "a2", "p1");
        assertThat(result.plans().get("a1").specRevision()).isEqualTo(10);
        assertThat(result.status().agentCounts()).containsEntry(AgentPhase.PENDING, 3);
        assertThat(result.status().isTrue(Condition.READY)).isFalse();
        assertThat(result.status().isTrue(Condition.PROGRESSING)).isTrue();
    }

    @Test
    void selectionHonoursRolesAttributesAndExclusions() {
        w.spec("agents:\n  roles: ['*']\n  attributes: {rack: r1}\n  exclude: [a3.example.com]\n");
        w.agents(new AgentView("a1", "a1.example.com", java.util.Set.of("*"), java.util.Map.of("rack", "r1"), true),
                new AgentView("a2", "a2.example.com", java.util.Set.of("*"), java.util.Map.of("rack", "r2"), true),
                new AgentView("a3", "a3.example.com", java.util.Set.of("*"), java.util.Map.of("rack", "r1"), true),
                new AgentView("p1", "p1.example.com", java.util.Set.of("slave_public"), java.util.Map.of("rack", "r1"), true));

        assertThat(w.round().plans()).containsOnlyKeys("a1");
    }

    @Test
    void allStepsDoneAtTheCurrentRevisionMakesTheClusterReady() {
        w.agents(privateAgent("a1"), publicAgent("p1"));
        w.round();
        w.report("a1", DONE).report("p1", DONE);

        PlanResult result = w.round();

        assertThat(result.status().isTrue(Condition.READY)).isTrue();
        assertThat(result.status().isTrue(Condition.PROGRESSING)).isFalse();
        assertThat(result.status().isTrue(Condition.DEGRADED)).isFalse();
        assertThat(result.status().agentCounts()).containsEntry(AgentPhase.READY, 2);
        assertThat(result.status().events()).extracting(ClusterEvent::reason).contains("AgentReady");
    }

    @Test
    void reportsFromAnOlderSpecRevisionAreNotReady() {
        w.agents(privateAgent("a1"));
        w.report("a1", DONE);
        w.round();
        w.spec("node:\n  image: calico/node:v9\n");

        PlanResult result = w.round();

        assertThat(result.status().agents().get("a1").phase()).isEqualTo(AgentPhase.PROGRESSING);
        assertThat(result.status().isTrue(Condition.READY)).isFalse();
    }

    @Test
    void grantsGoToAtMostMaxConcurrentRestartsAgentsLongestWaitingFirst() {
        w.spec("rollout:\n  maxConcurrentRestarts: 2\n");
        w.agents(privateAgent("a1"), privateAgent("a2"), privateAgent("a3"), privateAgent("a4"));
        w.report("a3", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.now = w.now.plusSeconds(1);
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.report("a4", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);

        PlanResult result = w.round();

        assertThat(result.plans().values().stream().filter(p -> p.restartGrant().isPresent()).map(p -> p.agentId()))
                .containsExactlyInAnyOrder("a3", "a1");
        assertThat(result.plans().get("a3").grants(DOCKER_CLUSTER_STORE, w.hash(DOCKER_CLUSTER_STORE))).isTrue();
        assertThat(result.status().rollout().grantsInFlight()).isEqualTo(2);
    }

    @Test
    void aGrantsEventNamesTheWorkloadsItsRestartStops() {
        w.agents(privateAgent("a1"));
        w.spec("rollout:\n  maxConcurrentRestarts: 1\n");
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.workloads = Workloads.listed(w.now, java.util.Map.of("a1", List.of(
                new Workload("marathon", true, "web", Workload.Containerizer.DOCKER),
                new Workload("marathon", true, "api", Workload.Containerizer.DOCKER))));

        ClusterEvent granted = w.round().status().events().stream().filter(e -> e.reason().equals("RestartGranted")).findFirst().orElseThrow();

        assertThat(granted.agentId()).isEqualTo("a1");
        assertThat(granted.message()).isEqualTo("may restart for dockerClusterStore at " + w.hash(DOCKER_CLUSTER_STORE).substring(0, 12)
                + " (spec revision " + w.revision + "); docker restart stops up to 2 running tasks of the Docker containerizer"
                + " (2 of marathon: api, web) (live-restore not reported)");
    }

    @Test
    void aGrantIsReleasedWhenItsStepIsDoneAndTheSlotGoesToTheNextAgent() {
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.round();
        String first = w.plans.get("a1").restartGrant().isPresent() ? "a1" : "a2";
        String second = first.equals("a1") ? "a2" : "a1";
        w.report(first, PENDING, DOCKER_CLUSTER_STORE, RESTARTING);

        assertThat(w.round().plans().get(second).restartGrant()).isEmpty();
        w.report(first, DONE);
        PlanResult result = w.round();

        assertThat(result.plans().get(first).restartGrant()).isEmpty();
        assertThat(result.plans().get(second).restartGrant()).isPresent();
        assertThat(result.status().events()).extracting(ClusterEvent::reason).contains("RestartGranted", "RestartReleased");
    }

    @Test
    void anAgentReportingARestartUnderWayWithoutAGrantTakesASlot() {
        w.spec("rollout:\n  maxConcurrentRestarts: 1\n");
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, RESTARTING);
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);

        PlanResult result = w.round();

        assertThat(result.plans().get("a1").restartGrant()).isEmpty();
        assertThat(result.plans().get("a2").restartGrant()).as("the one slot is taken by a1's restart").isEmpty();
        w.report("a1", DONE);
        assertThat(w.round().plans().get("a2").restartGrant()).isPresent();
    }

    @Test
    void aFailedAgentKeepsItsSlot() {
        w.spec("rollout:\n  maxFailedAgents: 5\n");
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, CNI, AWAITING_RESTART);
        w.round();
        w.report("a1", PENDING, CNI, FAILED);
        w.report("a2", PENDING, CNI, AWAITING_RESTART);

        PlanResult result = w.round();

        assertThat(result.plans().get("a1").restartGrant()).isPresent();
        assertThat(result.plans().get("a2").restartGrant()).isEmpty();
        assertThat(result.status().isTrue(Condition.DEGRADED)).isTrue();
        assertThat(result.status().condition(Condition.DEGRADED).map(Condition::reason)).contains("AgentsFailed");
    }

    @Test
    void moreFailuresThanAllowedHaltTheRolloutUntilResume() {
        w.spec("rollout:\n  maxConcurrentRestarts: 3\n");
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, CNI, FAILED);
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);

        PlanResult halted = w.round();
        w.control = new ControlState(false, w.now.plusSeconds(1));
        w.now = w.now.plusSeconds(2);
        PlanResult resumed = w.round();

        assertThat(halted.status().rollout().halted()).isTrue();
        assertThat(halted.status().condition(Condition.DEGRADED).map(Condition::reason)).contains("RolloutHalted");
        assertThat(halted.plans().get("a2").restartGrant()).isEmpty();
        assertThat(resumed.status().rollout().halted()).isFalse();
        assertThat(resumed.plans().get("a2").restartGrant()).isPresent();
        assertThat(resumed.status().events()).extracting(ClusterEvent::reason).contains("RolloutHalted", "RolloutResumed");
    }

    @Test
    void aSpecChangeLiftsAHalt() {
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, CNI, FAILED);
        assertThat(w.round().status().rollout().halted()).isTrue();

        w.spec("cni:\n  mtu: 1440\n");
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        PlanResult result = w.round();

        assertThat(result.status().rollout().halted()).isFalse();
        assertThat(result.plans().get("a2").restartGrant()).isPresent();
    }

    @Test
    void pauseStopsNewGrantsButLetsARunningRestartFinish() {
        w.spec("rollout:\n  maxConcurrentRestarts: 2\n");
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.round();
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, RESTARTING);
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.control = new ControlState(true, null);

        PlanResult result = w.round();

        assertThat(result.plans().get("a1").restartGrant()).isPresent();
        assertThat(result.plans().get("a2").restartGrant()).isEmpty();
        assertThat(result.plans().values()).allMatch(p -> p.paused());
        assertThat(result.status().condition(Condition.PAUSED).map(Condition::reason)).contains("PausedByUser");
    }

    @Test
    void anInvalidSpecKeepsTheLastGoodOneAndGrantsNothing() {
        w.agents(privateAgent("a1"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.observed = 11;
        w.invalid = Optional.of(List.of("spec.rollout.maxConcurrentRestarts: must be ≥ 1"));

        PlanResult result = w.round();

        assertThat(result.plans().get("a1").specRevision()).isEqualTo(10);
        assertThat(result.plans().get("a1").restartGrant()).isEmpty();
        assertThat(result.status().observedGeneration()).isEqualTo(11);
        assertThat(result.status().appliedGeneration()).isEqualTo(10);
        assertThat(result.status().condition(Condition.INVALID_SPEC).map(Condition::message).orElseThrow())
                .contains("spec.rollout.maxConcurrentRestarts: must be ≥ 1");
        assertThat(result.status().events()).extracting(ClusterEvent::reason).contains("InvalidSpec");
    }

    @Test
    void anAgentThatLeavesKeepsItsSlotForTheGracePeriodThenIsReleased() {
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.round();
        w.agents.removeIf(a -> a.agentId().equals("a1"));
        w.reports.remove("a1");
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);

        PlanResult gone = w.round();
        w.now = w.now.plus(PlannerFixtures.GRACE).plusSeconds(1);
        PlanResult released = w.round();

        assertThat(gone.status().agents().get("a1").phase()).isEqualTo(AgentPhase.GONE);
        assertThat(gone.plans().get("a1").restartGrant()).isPresent();
        assertThat(gone.plans().get("a2").restartGrant()).isEmpty();
        assertThat(released.deletePlans()).containsExactly("a1");
        assertThat(released.plans().get("a2").restartGrant()).isPresent();
        assertThat(released.status().events()).extracting(ClusterEvent::reason).contains("AgentRemoved");
    }

    @Test
    void aGoneAgentWhoseNodeAgentStillReportsItsRestartUnderWayKeepsItsSlotPastTheGraceUntilTheRestartEnds() {
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        assertThat(w.round().plans().get("a1").restartGrant()).as("a1 holds the one slot").isPresent();
        // partitioned from the master only: its node agent still reaches etcd and restarts docker under the grant
        w.agents.removeIf(a -> a.agentId().equals("a1"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, RESTARTING);
        w.report("a2", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.round();

        w.now = w.now.plus(PlannerFixtures.GRACE).plusSeconds(1);
        PlanResult pastGrace = w.round();

        assertThat(pastGrace.deletePlans()).as("docker is still restarting on a1").isEmpty();
        assertThat(pastGrace.plans().get("a1").restartGrant()).isPresent();
        assertThat(pastGrace.plans().get("a2").restartGrant()).as("the budget still counts a1's restart").isEmpty();
        assertThat(pastGrace.status().agents().get("a1").phase()).isEqualTo(AgentPhase.GONE);
        assertThat(pastGrace.status().events()).extracting(ClusterEvent::reason).doesNotContain("AgentRemoved");

        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, DONE);
        PlanResult restarted = w.round();

        assertThat(restarted.deletePlans()).containsExactly("a1");
        assertThat(restarted.plans().get("a2").restartGrant()).isPresent();
        assertThat(restarted.status().events()).filteredOn(e -> e.reason().equals("AgentRemoved")).singleElement()
                .extracting(ClusterEvent::message).as("how long it was gone, past the grace, not the grace alone")
                .satisfies(message -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("not listed by the Mesos master for (\\d+)s \\(grace "
                            + PlannerFixtures.GRACE.toSeconds() + "s\\); its plan and restart slot are released").matcher(message);
                    assertThat(m.matches()).as(message).isTrue();
                    assertThat(Long.parseLong(m.group(1))).isGreaterThan(PlannerFixtures.GRACE.toSeconds());
                });
    }

    @Test
    void anAgentResetUnderANewIdOnTheSameHostIsANewAgentAndTheOldIdKeepsItsSlotUntilTheGraceEnds() {
        w.agents(privateAgent("a1"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        assertThat(w.round().plans().get("a1").restartGrant()).as("a1 holds the one slot").isPresent();

        // DC/OS agent reset: the host's old agent ID is gone, the same host registers as a new agent
        w.agents.clear();
        w.agents(new AgentView("a1-new", "a1.example.com", Set.of("*"), Map.of(), true));
        w.reports.remove("a1");
        w.report("a1-new", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        PlanResult reset = w.round();

        assertThat(reset.status().agents().get("a1").phase()).isEqualTo(AgentPhase.GONE);
        assertThat(reset.plans().get("a1").restartGrant()).as("the restart may still be under way on the host").isPresent();
        assertThat(reset.plans().get("a1-new").restartGrant()).as("the budget counts the old ID's slot").isEmpty();

        w.now = w.now.plus(PlannerFixtures.GRACE).plusSeconds(1);
        PlanResult released = w.round();

        assertThat(released.deletePlans()).containsExactly("a1");
        assertThat(released.plans().get("a1-new").restartGrant()).isPresent();
    }

    @Test
    void aDeselectedAgentLosesItsPlan() {
        w.agents(privateAgent("a1"), privateAgent("a2"));
        w.round();
        w.spec("agents:\n  exclude: [a2]\n");

        PlanResult result = w.round();

        assertThat(result.deletePlans()).containsExactly("a2");
        assertThat(result.plans()).containsOnlyKeys("a1");
    }

    @Test
    void aSpecChangeEventNamesTheFieldsAndTheStepsToRerun() {
        w.agents(privateAgent("a1"));
        w.round();
        w.spec("node:\n  image: calico/node:v9\n");

        PlanResult result = w.round();

        assertThat(result.status().events()).filteredOn(e -> e.reason().equals("SpecChanged")).singleElement()
                .extracting(ClusterEvent::message).asString()
                .isEqualTo("spec revision 11 changes spec.node.image; steps to re-run: node");
    }

    @Test
    void aGrantForAHashTheAgentNoLongerWantsIsReleased() {
        w.agents(privateAgent("a1"));
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);
        w.round();
        w.revision++;
        w.report("a1", PENDING, DOCKER_CLUSTER_STORE, AWAITING_RESTART);

        PlanResult result = w.round();

        assertThat(result.plans().get("a1").restartGrant()).hasValueSatisfying(g ->
                assertThat(g.desiredHash()).isEqualTo(w.hash(DOCKER_CLUSTER_STORE)));
    }

    /** A seeded random walk of node agents; the budget must hold after every single round. */
    @Test
    void grantsNeverExceedTheBudgetWhateverTheAgentsReport() {
        w.spec("rollout:\n  maxConcurrentRestarts: 3\n  maxFailedAgents: 100\n");
        for (int i = 0; i < 20; i++) {
            w.agents(privateAgent("a" + i));
        }
        Random random = new Random(42);
        StepPhase[] phases = {PENDING, AWAITING_RESTART, RESTARTING, DONE, FAILED};
        long maxSeen = 0;
        for (int round = 0; round < 500; round++) {
            String agent = "a" + random.nextInt(20);
            StepPhase phase = phases[random.nextInt(phases.length)];
            boolean granted = w.plans.containsKey(agent) && w.plans.get(agent).restartGrant().isPresent();
            // a node agent restarts only with a grant (one restarting without is counted too, and would fill the budget)
            w.report(agent, DONE, DOCKER_CLUSTER_STORE, phase == RESTARTING && !granted ? AWAITING_RESTART : phase);
            if (random.nextInt(50) == 0) {
                w.spec("rollout:\n  maxConcurrentRestarts: 3\n  maxFailedAgents: 100\nnode:\n  image: calico/node:v" + round + "\n");
            }
            w.round();
            maxSeen = Math.max(maxSeen, w.grants());
            assertThat(w.grants()).as("round %d", round).isLessThanOrEqualTo(3);
        }
        assertThat(maxSeen).as("the walk must actually exercise the budget").isEqualTo(3);
    }
}
