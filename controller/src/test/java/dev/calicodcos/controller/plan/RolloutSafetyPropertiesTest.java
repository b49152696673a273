package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The full {@link Planner}, pass after pass, against simulated node agents under any interleaving:
 * agents that read their plan late, act fast or slowly, restart for several passes, fail and
 * recover (while restarting, holding a grant, or elsewhere, without one), reports delivered late,
 * coalesced (the controller's watch skipping to the newest) or lost with their lease, spec edits.
 *
 * <p>Over the whole run it checks the disruption budget three ways: no round leaves more grants
 * than {@code maxConcurrentRestarts}; no round issues a grant while the agents holding one plus the
 * agents failed without one (and not accepted) would then exceed it (agents may fail on their own at
 * any time, so the sum can exceed the budget through no act of the planner, but then it must not add
 * to it); and no more agents are really restarting at any moment than the budget. Once no new fault
 * is drawn and no failure is permanent, every agent reaches Ready and every grant is returned.
 */
class RolloutSafetyPropertiesTest {
    private static final int AGENTS = 6;

    sealed interface Event permits Act, Watch, Deliver, Lose, Fail, Edit, Round {}

    /** The node agent runs one pass on the plan it last read (a slow agent skips most of them). */
    record Act(int agent) implements Event {}

    /** The node agent's watch delivers its current plan. */
    record Watch(int agent) implements Event {}

    /** The controller sees the agent's next report, or (coalesced) only its newest. */
    record Deliver(int agent, boolean coalesced) implements Event {}

    /** The agent's report lease expires: the controller no longer sees any report of it. */
    record Lose(int agent) implements Event {}

    /** The agent fails for {@code passes} passes (0: for good). */
    record Fail(int agent, int passes) implements Event {}

    /** The user edits the spec: a new revision, new hashes. */
    record Edit() implements Event {}

    /** The leader plans. */
    record Round() implements Event {}

    @Provide
    Arbitrary<List<Event>> schedules() {
        Arbitrary<Integer> agent = Arbitraries.integers().between(0, AGENTS - 1);
        return Arbitraries.<Event>frequencyOf(
                        Tuple.of(14, agent.map(Act::new)),
                        Tuple.of(6, agent.map(Watch::new)),
                        Tuple.of(8, Combinators.combine(agent, Arbitraries.of(true, false)).as(Deliver::new)),
                        Tuple.of(1, agent.map(Lose::new)),
                        Tuple.of(2, Combinators.combine(agent, Arbitraries.frequency(Tuple.of(30, 1), Tuple.of(30, 3), Tuple.of(1, 0)))
                                .as(Fail::new)),
                        Tuple.of(1, Arbitraries.just(new Edit())),
                        Tuple.of(8, Arbitraries.just(new Round())))
                .list().ofMinSize(40).ofMaxSize(400).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE) // 2 to 4 s; PlannerFuzzTest searches longer on purpose
    void theBudgetHoldsOverTheWholeRunAndEveryAgentGetsReadyWithoutPermanentFailures(
            @ForAll @IntRange(min = 1, max = 3) int budget,
            @ForAll @IntRange(min = 0, max = 2) int maxFailedAgents,
            @ForAll("schedules") List<Event> schedule,
            @ForAll @Size(AGENTS) List<@IntRange(min = 0, max = 2) Integer> restartEvery,
            @ForAll @Size(AGENTS) List<@IntRange(min = 1, max = 3) Integer> restartPasses,
            @ForAll @Size(AGENTS) List<@IntRange(min = 1, max = 4) Integer> slowness) {
        simulate(budget, maxFailedAgents, "0", schedule, restartEvery, restartPasses, slowness);
    }

    @Property(tries = 10, edgeCases = EdgeCasesMode.NONE)
    void withCanaryWavesTooTheBudgetHoldsAndEveryAgentGetsReady(
            @ForAll @IntRange(min = 1, max = 3) int budget,
            @ForAll @IntRange(min = 0, max = 2) int maxFailedAgents,
            @ForAll("canaries") String canary,
            @ForAll("schedules") List<Event> schedule,
            @ForAll @Size(AGENTS) List<@IntRange(min = 0, max = 2) Integer> restartEvery,
            @ForAll @Size(AGENTS) List<@IntRange(min = 1, max = 3) Integer> restartPasses,
            @ForAll @Size(AGENTS) List<@IntRange(min = 1, max = 4) Integer> slowness) {
        simulate(budget, maxFailedAgents, canary, schedule, restartEvery, restartPasses, slowness);
    }

    /**
     * Found by the canary variant above (budget 1, canary 1): an agent granted a restart at one
     * revision, that has not used it when the spec changes, keeps its slot; the new revision's
     * canary wave pauses its plan, so it never uses the grant nor reports the new revision (the node
     * agent kept the old report while paused, see StepRunner.revisionReached), and the canary waited
     * for that slot forever. Fixed in the node agent: a paused plan at a newer revision gives up a
     * restart the previous revision was waiting for (StepRunner.paused), and its report at another
     * hash releases the grant.
     */
    @Test
    void aGrantIssuedBeforeASpecEditDoesNotStallTheNextCanaryWave() {
        String spec = "rollout:\n  maxConcurrentRestarts: 1\n  canary: 1\n";
        PlannerFixtures world = new PlannerFixtures()
                .agents(PlannerFixtures.privateAgent("a0"), PlannerFixtures.privateAgent("a1"))
                .spec(spec);
        world.report("a0", StepPhase.DONE).report("a1", StepPhase.DONE, StepName.DOCKER_CLUSTER_STORE, StepPhase.AWAITING_RESTART);
        world.round();
        assertThat(world.plans.get("a1").restartGrant()).as("a1 granted once the canary a0 is Ready").isPresent();

        world.spec(spec); // a new revision before a1 restarted: its plan is paused until the canary a0 is Ready again
        world.report("a0", StepPhase.DONE, StepName.DOCKER_CLUSTER_STORE, StepPhase.AWAITING_RESTART);
        world.round();
        assertThat(world.plans.get("a1").paused()).as("a1 held by the new wave").isTrue();
        AgentReport held = world.reports.get("a1"); // a1 gives up the waiting restart, still at the old revision
        Map<StepName, StepReport> steps = new EnumMap<>(held.steps());
        steps.put(StepName.DOCKER_CLUSTER_STORE, new StepReport(StepPhase.PENDING, world.hash(StepName.DOCKER_CLUSTER_STORE),
                Optional.empty(), Optional.empty(), "plan paused; the restart the previous spec was waiting for is given up", world.now));
        world.reports.put("a1", new AgentReport("a1", held.nodeAgentVersion(), held.specRevision(), held.facts(), held.blockers(), steps,
                world.now));
        for (int round = 0; round < 4; round++) {
            world.round();
        }

        assertThat(world.plans.get("a1").paused()).isTrue();
        assertThat(world.plans.get("a0").restartGrant()).as("the canary's restart grant").isPresent();
    }

    /** One run of the simulation, checking as it goes; also PlannerFuzzTest's target. */
    static void simulate(int budget, int maxFailedAgents, String canary, List<Event> schedule, List<Integer> restartEvery,
                                 List<Integer> restartPasses, List<Integer> slowness) {
        Run run = new Run(budget, "rollout:\n  maxConcurrentRestarts: " + budget + "\n  maxFailedAgents: " + maxFailedAgents
                + "\n  canary: " + canary + "\n");
        List<SimulatedNodeAgent> agents = IntStream.range(0, AGENTS)
                .mapToObj(i -> new SimulatedNodeAgent("a" + i, restartEvery.get(i), restartPasses.get(i), slowness.get(i))).toList();
        agents.forEach(a -> run.world.agents(PlannerFixtures.privateAgent(a.id)));

        for (Event event : schedule) {
            run.apply(event, agents);
            run.checkRestartsUnderway(agents);
        }
        if (agents.stream().anyMatch(SimulatedNodeAgent::failedForGood)) {
            return; // the budget held until here; convergence is not promised
        }

        // No new fault from here on: agents act, read their plans and are seen after every round, as live ones are.
        for (int pass = 0; pass < 12 * AGENTS && !run.settled(); pass++) {
            run.round();
            for (SimulatedNodeAgent agent : agents) {
                agent.watch(run.world);
                agent.act(run.world, true);
                agent.deliverAll(run.world);
                run.checkRestartsUnderway(agents);
            }
        }
        run.round();
        assertThat(run.world.status.agents().values()).as("agents after the rollout settled")
                .allSatisfy(row -> assertThat(row.phase()).as(row.agentId() + ": " + row.message()).isEqualTo(AgentPhase.READY));
        assertThat(run.world.grants()).as("grants left").isZero();
    }

    @Provide
    Arbitrary<String> canaries() {
        return Arbitraries.of("1", "'50%'");
    }

    /** The planner's world and the checks made on it after each event. */
    private static final class Run {
        final PlannerFixtures world = new PlannerFixtures();
        final int budget;
        final String spec;

        Run(int budget, String spec) {
            this.budget = budget;
            this.spec = spec;
            world.spec(spec);
        }

        void apply(Event event, List<SimulatedNodeAgent> agents) {
            if (event instanceof Act act) {
                agents.get(act.agent()).act(world, false);
            } else if (event instanceof Watch watch) {
                agents.get(watch.agent()).watch(world);
            } else if (event instanceof Deliver deliver) {
                agents.get(deliver.agent()).deliver(world, deliver.coalesced());
            } else if (event instanceof Lose lose) {
                world.reports.remove(agents.get(lose.agent()).id);
            } else if (event instanceof Fail fail) {
                agents.get(fail.agent()).fail(world, fail.passes());
            } else if (event instanceof Edit) {
                world.spec(spec);
            } else {
                round();
            }
        }

        void round() {
            Map<String, AgentPlan> before = world.plans;
            PlanResult result = world.round();
            Map<String, AgentPlan> after = world.plans;
            long grants = world.grants();
            assertThat(grants).as("grants after a round").isLessThanOrEqualTo(budget);
            Set<String> issued = after.values().stream()
                    .filter(p -> p.restartGrant().isPresent())
                    .filter(p -> before.get(p.agentId()) == null || !p.restartGrant().equals(before.get(p.agentId()).restartGrant()))
                    .map(AgentPlan::agentId).collect(Collectors.toSet());
            if (!issued.isEmpty()) {
                Set<String> accepted = result.status().rollout().acceptedFailures();
                List<String> failedWithoutGrant = result.status().agents().values().stream()
                        .filter(r -> r.phase() == AgentPhase.FAILED && !accepted.contains(r.agentId()))
                        .map(AgentStatus::agentId)
                        .filter(id -> after.get(id) == null || after.get(id).restartGrant().isEmpty())
                        .toList();
                assertThat(grants + failedWithoutGrant.size())
                        .as("grants %s issued while holding %d and failed without a grant %s", issued, grants, failedWithoutGrant)
                        .isLessThanOrEqualTo(budget);
            }
        }

        /** Every agent Ready in the last round and no grant out. */
        boolean settled() {
            return world.grants() == 0 && world.status.agents().size() == AGENTS
                    && world.status.agents().values().stream().allMatch(r -> r.phase() == AgentPhase.READY);
        }

        void checkRestartsUnderway(List<SimulatedNodeAgent> agents) {
            List<String> restarting = agents.stream().filter(SimulatedNodeAgent::disrupted).map(a -> a.id).toList();
            assertThat(restarting).as("agents really restarting at once").hasSizeLessThanOrEqualTo(budget);
        }
    }

    /**
     * A node agent as the planner sees it, with the parts that matter for the budget: on its plan's
     * revision the cluster-store step needs a restart on one revision in {@code restartEvery} (0:
     * never); with the grant it restarts for {@code restartPasses} passes, then is done. A failure
     * during a restart fails that step (the grant is kept); otherwise it fails the node step, an
     * agent failed without a grant. Reports queue in an outbox until the controller sees them.
     */
    static final class SimulatedNodeAgent {
        final String id;
        private final int restartEvery;
        private final int restartPasses;
        private final int slowness;
        private final Deque<AgentReport> outbox = new ArrayDeque<>();
        private AgentPlan seen;
        private long revision = -1;
        private boolean restarted;
        private int restartLeft;
        private int failedLeft;        // passes still failed; -1 for good
        private StepName failedStep;
        private int passes;
        private StepPhase store = StepPhase.PENDING;
        /** The paused revision for which a waiting restart was given up (its report carries that revision's hash). */
        private long givenUpFor = -1;

        SimulatedNodeAgent(String id, int restartEvery, int restartPasses, int slowness) {
            this.id = id;
            this.restartEvery = restartEvery;
            this.restartPasses = restartPasses;
            this.slowness = slowness;
        }

        boolean failedForGood() {
            return failedLeft < 0;
        }

        /** Really down or restarting because of a grant: what the budget is about. */
        boolean disrupted() {
            return restartLeft > 0;
        }

        void watch(PlannerFixtures world) {
            seen = world.plans.get(id);
        }

        void act(PlannerFixtures world, boolean always) {
            if (!always && ++passes % slowness != 0) {
                return; // a slow agent: most passes of the schedule go by without it
            }
            if (failedLeft != 0) {
                if (failedLeft > 0 && --failedLeft == 0) {
                    failedStep = null; // retried and recovered; the restart under way goes on
                }
                report(world);
                return;
            }
            if (restartLeft > 0) {
                if (--restartLeft == 0) {
                    restarted = true;
                    store = StepPhase.DONE;
                }
                report(world);
                return;
            }
            if (seen == null) {
                return; // no plan yet
            }
            if (seen.paused() && seen.specRevision() != revision) {
                if (store == StepPhase.AWAITING_RESTART && givenUpFor != seen.specRevision()) {
                    givenUpFor = seen.specRevision(); // as StepRunner does: the held-back restart is given up, its grant handed back
                    store = StepPhase.PENDING;
                    report(world);
                }
                return; // a paused plan starts nothing of a new spec
            }
            if (seen.specRevision() != revision) {
                revision = seen.specRevision();
                restarted = false;
            }
            boolean needsRestart = restartEvery != 0 && revision % restartEvery == 0;
            if (!needsRestart || restarted) {
                store = StepPhase.DONE;
            } else if (seen.grants(StepName.DOCKER_CLUSTER_STORE, hash())) {
                restartLeft = restartPasses;
                store = StepPhase.RESTARTING;
            } else {
                store = StepPhase.AWAITING_RESTART;
            }
            report(world);
        }

        void fail(PlannerFixtures world, int passes) {
            if (revision < 0 || failedForGood()) {
                return; // nothing running yet to fail
            }
            failedStep = restartLeft > 0 ? StepName.DOCKER_CLUSTER_STORE : StepName.NODE;
            failedLeft = passes == 0 ? -1 : passes;
            report(world);
        }

        void deliver(PlannerFixtures world, boolean coalesced) {
            AgentReport next = coalesced ? outbox.peekLast() : outbox.poll();
            if (coalesced) {
                outbox.clear();
            }
            if (next != null) {
                world.reports.put(id, next);
            }
        }

        void deliverAll(PlannerFixtures world) {
            deliver(world, true);
        }

        private String hash() {
            return "h-" + revision;
        }

        private void report(PlannerFixtures world) {
            Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
            for (StepName step : StepName.values()) {
                StepPhase phase = step == failedStep ? StepPhase.FAILED
                        : step == StepName.DOCKER_CLUSTER_STORE ? store : StepPhase.DONE;
                String h = step == StepName.DOCKER_CLUSTER_STORE && givenUpFor > revision ? "h-" + givenUpFor : hash();
                steps.put(step, new StepReport(phase, h, Optional.of(h), Optional.empty(), phase.name(), world.now));
            }
            outbox.add(new AgentReport(id, "test", revision,
                    new AgentFacts(id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                    List.of(), steps, world.now));
        }
    }
}
