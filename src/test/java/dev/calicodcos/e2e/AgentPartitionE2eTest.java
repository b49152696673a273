package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An agent partitioned from the Mesos master mid-rollout, with real etcd, the controller and real node
 * agents. The simulator's partition is the master's view only (as when the master loses the agent's
 * pings): the agent's processes go on, its node agent still reaches etcd. Three Docker 20.10 agents,
 * each needing one docker restart under the budget of 1; windows are read from the agents' own
 * disruption logs, with a stability period long enough that a window outlasts what the test does in it.
 */
@Tag("integration")
class AgentPartitionE2eTest {
    private static final Duration LONG_GRACE = Duration.ofMinutes(5);

    @Test
    void anAgentPartitionedWithoutASlotAndHealedWithinTheGraceWaitsWhileTheOthersGoOnThenRestartsOnce() throws Exception {
        try (DemoCluster demo = rollingOut("10.0.7", LONG_GRACE, "5s")) {
            List<SimAgent> agents = demo.sim().agents();
            SimAgent holder = E2e.awaitAgentInWindow(agents, Duration.ofMinutes(3)); // the one slot is taken for 5 s at least
            SimAgent away = agents.stream().filter(a -> a != holder && E2e.restarts(a).isEmpty()).findFirst().orElseThrow();
            List<SimAgent> others = agents.stream().filter(a -> a != away).toList();

            partition(demo, away);
            await().atMost(Duration.ofMinutes(3)).until(() -> others.stream() // the others restart meanwhile, one at a time
                    .allMatch(a -> !E2e.disruptions(a).isEmpty() && !E2e.inWindow(a)));

            assertThat(E2e.restarts(away)).as("no grant while the master does not list it").isEmpty();
            assertThat(E2e.row(demo, away).orElseThrow().phase()).isEqualTo(AgentPhase.GONE);
            Instant healed = Instant.now();
            demo.sim().faults().healAgent(away.spec().hostname());
            await().atMost(Duration.ofMinutes(1)).until(() -> !E2e.hasPhase(demo, away, AgentPhase.GONE));

            E2e.awaitReady(demo, Duration.ofMinutes(3));
            agents.forEach(E2e::assertEachStepActedOnce);
            assertThat(E2e.restarts(away).get(0).start()).as("its restart came after the heal").isAfter(healed);
            assertThat(E2e.events(demo, "RestartGranted", away)).extracting(ClusterEvent::time).allMatch(t -> t.isAfter(healed));
            assertThat(E2e.events(demo, "AgentRemoved", away)).isEmpty();
            assertThat(E2e.events(demo, "AgentSelected", away)).as("the same member all along").hasSize(1);
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).as("agents in a disruptive window at once").isEqualTo(1);
        }
    }

    @Test
    void anAgentPartitionedInItsDisruptiveWindowKeepsTheSlotUntilItsRestartEndsAndNoOtherAgentRestartsMeanwhile() throws Exception {
        try (DemoCluster demo = rollingOut("10.0.8", LONG_GRACE, "5s")) {
            List<SimAgent> agents = demo.sim().agents();
            SimAgent holder = E2e.awaitAgentInWindow(agents, Duration.ofMinutes(3));

            ClusterEvent gone = partition(demo, holder);
            ClusterEvent released = E2e.awaitEvent(demo, "RestartReleased", holder, Duration.ofMinutes(2));
            assertThat(E2e.row(demo, holder).orElseThrow().phase()).as("released while still away").isEqualTo(AgentPhase.GONE);
            demo.sim().faults().healAgent(holder.spec().hostname());

            E2e.awaitReady(demo, Duration.ofMinutes(3));
            E2e.Window window = E2e.disruptions(holder).get(0);
            assertThat(gone.time()).as("seen gone while its restart was under way").isBetween(window.begin(), window.end());
            assertThat(released.time()).as("its slot counted until its restart ended").isAfterOrEqualTo(window.end());
            for (SimAgent other : agents.stream().filter(a -> a != holder).toList()) {
                assertThat(E2e.events(demo, "RestartGranted", other)).extracting(ClusterEvent::time)
                        .as("%s granted only once the holder's slot was free", other.spec().hostname())
                        .allMatch(t -> t.isBefore(window.begin()) || !t.isBefore(released.time()));
                assertThat(E2e.disruptions(other)).as(other.spec().hostname())
                        .allMatch(w -> !w.end().isAfter(window.begin()) || !w.begin().isBefore(window.end()));
            }
            agents.forEach(E2e::assertEachStepActedOnce);
            assertThat(E2e.events(demo, "AgentRemoved", holder)).isEmpty();
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).as("agents in a disruptive window at once").isEqualTo(1);
        }
    }

    /**
     * The grace (5 s) runs out while the partitioned agent is still in its window (10 s stability): its
     * node agent still reports the restart under way, so its plan and slot stay until the restart ends;
     * then AgentRemoved releases both and the others go on. Healed, it is a new member (AgentSelected),
     * its node agent is relaunched (the old one was killed when its plan went), and nothing is redone.
     */
    @Test
    void anAgentPartitionedLongerThanTheGraceIsRemovedOnceItsRestartEndsThenSelectedAgainAndRedoesNothing() throws Exception {
        Duration grace = Duration.ofSeconds(5);
        try (DemoCluster demo = rollingOut("10.0.9", grace, "10s")) {
            List<SimAgent> agents = demo.sim().agents();
            SimAgent holder = E2e.awaitAgentInWindow(agents, Duration.ofMinutes(3));

            ClusterEvent gone = partition(demo, holder);
            ClusterEvent removed = E2e.awaitEvent(demo, "AgentRemoved", holder, Duration.ofMinutes(2));
            Instant healed = Instant.now();
            demo.sim().faults().healAgent(holder.spec().hostname());
            await().atMost(Duration.ofMinutes(1)).until(() -> E2e.events(demo, "AgentSelected", holder).size() == 2);

            E2e.awaitReady(demo, Duration.ofMinutes(3));
            E2e.Window window = E2e.disruptions(holder).get(0);
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).as("agents in a disruptive window at once").isEqualTo(1);
            assertThat(window.end()).as("the grace ran out while its restart was under way").isAfter(gone.time().plus(grace));
            assertThat(removed.time()).as("removed only once its restart ended").isAfterOrEqualTo(window.end());
            assertThat(E2e.events(demo, "AgentSelected", holder).get(1).time()).isAfter(healed);
            assertThat(E2e.row(demo, holder).orElseThrow().phase()).isEqualTo(AgentPhase.READY);
            agents.forEach(E2e::assertEachStepActedOnce);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(E2e.nodeAgentTasks(demo).get(E2e.agentId(holder)))
                    .as("one node agent on the healed agent").hasSize(1).containsValue("TASK_RUNNING"));
        }
    }

    /** Three Docker 20.10 agents on {@code subnet}, rolling out the demo's spec with that stability period. */
    private static DemoCluster rollingOut(String subnet, Duration goneGrace, String stabilityPeriod) throws IOException {
        DemoCluster demo = DemoCluster.start(E2e.options(3).withAgents(E2e.docker20Agents(subnet, 3)).withGoneGrace(goneGrace));
        try {
            String spec = demo.exampleSpec();
            assertThat(spec).contains("stabilityPeriod: 2s");
            demo.apply(spec.replace("stabilityPeriod: 2s", "stabilityPeriod: " + stabilityPeriod));
            return demo;
        } catch (IOException | RuntimeException | AssertionError e) {
            demo.close();
            throw e;
        }
    }

    /** Partitions the agent from the master and returns the leader's AgentGone event for it. */
    private static ClusterEvent partition(DemoCluster demo, SimAgent agent) {
        demo.sim().faults().partitionAgent(agent.spec().hostname());
        return E2e.awaitEvent(demo, "AgentGone", agent, Duration.ofMinutes(1));
    }
}
