package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The incremental planner against the full one as its oracle: on random sequences of reports, lost
 * reports, failures, plans and rows deleted by hand, agents leaving and coming back, exclusions,
 * spec edits (drain on and off), pauses, time passing, new leadership terms, workload lookups and status documents held back, every
 * round of the incremental planner leaves etcd holding exactly what the full planner computes from
 * the same input and the status of the round before: the same plans, the same rows, the same status
 * document (counts, conditions, rollout, events).
 */
class IncrementalPlannerTest {
    private static final int AGENTS = 10;

    sealed interface Event permits Act, Lose, Fail, Tamper, Leave, Return, Exclude, Edit, Pause, Tick, NewTerm, Lookup, Round {}

    record Act(int agent) implements Event {}

    record Lose(int agent) implements Event {}

    record Fail(int agent) implements Event {}

    /** Someone deletes the agent's plan or status row with etcdctl. */
    record Tamper(int agent) implements Event {}

    /** The master stops listing the agent. */
    record Leave(int agent) implements Event {}

    record Return(int agent) implements Event {}

    /** The user excludes the agent from the spec (or takes the exclusion back when it is the same one). */
    record Exclude(int agent) implements Event {}

    /** A spec edit: every hash changes, and the budget, the canary wave and rollout.drain may too. */
    record Edit(int budget, String canary, boolean drain) implements Event {}

    record Pause() implements Event {}

    /** Three minutes pass: two ticks outlast the grace a gone agent keeps its plan for. */
    record Tick() implements Event {}

    /** Another controller led in between: nothing remembered can be trusted. */
    record NewTerm() implements Event {}

    /** The workloads are looked up again: the agent now runs {@code tasks} Docker tasks (0: none; -1: the lookup failed). */
    record Lookup(int agent, int tasks) implements Event {}

    /** The leader plans; the writer may hold the status document back, as it does between counts-only changes. */
    record Round(boolean writeStatus) implements Event {}

    @Provide
    Arbitrary<List<Event>> schedules() {
        Arbitrary<Integer> agent = Arbitraries.integers().between(0, AGENTS - 1);
        return Arbitraries.<Event>frequencyOf(
                        Tuple.of(20, agent.map(i -> (Event) new Act(i))),
                        Tuple.of(2, agent.map(i -> (Event) new Lose(i))),
                        Tuple.of(2, agent.map(i -> (Event) new Fail(i))),
                        Tuple.of(1, agent.map(i -> (Event) new Tamper(i))),
                        Tuple.of(1, agent.map(i -> (Event) new Leave(i))),
                        Tuple.of(1, agent.map(i -> (Event) new Return(i))),
                        Tuple.of(1, agent.map(i -> (Event) new Exclude(i))),
                        Tuple.of(1, Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.of("0", "1", "3", "'30%'"),
                                        Arbitraries.of(false, true))
                                .as((budget, canary, drain) -> (Event) new Edit(budget, canary, drain))),
                        Tuple.of(1, Arbitraries.just((Event) new Pause())),
                        Tuple.of(2, Arbitraries.just((Event) new Tick())),
                        Tuple.of(1, Arbitraries.just((Event) new NewTerm())),
                        Tuple.of(2, Combinators.combine(agent, Arbitraries.integers().between(-1, 7))
                                .as((i, tasks) -> (Event) new Lookup(i, tasks))),
                        Tuple.of(12, Arbitraries.of(true, true, false).map(write -> (Event) new Round(write))))
                .list().ofMinSize(20).ofMaxSize(400);
    }

    @Property(tries = 40) // about 3 s; raise it to search longer
    void everyIncrementalRoundLeavesWhatAFullReplanComputes(
            @ForAll("schedules") List<Event> schedule,
            @ForAll @Size(AGENTS) List<@IntRange(min = 0, max = 2) Integer> restartEvery,
            @ForAll @IntRange(min = -1, max = AGENTS - 1) int selfAgent) {
        Harness world = new Harness();
        if (selfAgent >= 0) {
            world.fixtures.selfHost = Optional.of(id(selfAgent) + ".example.com"); // the controller runs on that agent
        }
        Map<Integer, FakeNodeAgent> nodeAgents = new HashMap<>();
        IntStream.range(0, AGENTS).forEach(i -> nodeAgents.put(i, new FakeNodeAgent(id(i), restartEvery.get(i))));
        for (Event event : schedule) {
            world.apply(event, nodeAgents);
        }
        world.round(true); // at least one, and one after the last event
    }

    @Property(tries = 20)
    void aRolloutPlannedIncrementallyConvergesLikeAFullOne(@ForAll @IntRange(min = 1, max = 3) int budget,
                                                            @ForAll("convergingCanaries") String canary) {
        Harness world = new Harness();
        world.apply(new Edit(budget, canary, false), Map.of());
        List<FakeNodeAgent> nodeAgents = IntStream.range(0, AGENTS).mapToObj(i -> new FakeNodeAgent(id(i), 1)).toList();
        for (int round = 0; round < 4 * AGENTS; round++) {
            world.round(round % 2 == 0);
            nodeAgents.forEach(agent -> agent.act(world.fixtures));
        }
        world.round(true);
        assertThat(world.fixtures.status.agentCounts()).containsEntry(AgentPhase.READY, AGENTS);
        assertThat(world.incremental.fullRounds()).as("rounds that planned everyone, of " + world.rounds)
                .isLessThanOrEqualTo(canary.equals("0") ? 2 : 3); // the first, the one after the edit, and the wave passing
    }

    /** Canary waves a rollout gets past (a selector that matches no agent pauses it instead). */
    @Provide
    Arbitrary<String> convergingCanaries() {
        return Arbitraries.of("0", "1", "3", "'30%'", "{hostnames: [a1.example.com, a3.example.com]}");
    }

    @Provide
    Arbitrary<String> canaries() {
        return Arbitraries.of("0", "1", "3", "'30%'", "{hostnames: [a1.example.com, a3.example.com]}", "{hostnames: [nowhere.example.com]}");
    }

    private static String id(int i) {
        return "a" + i;
    }

    /**
     * The fixtures' world with etcd's documents kept as a writer would leave them, and the agents
     * whose documents changed since the last round, as the view reports them.
     */
    private static final class Harness {
        final PlannerFixtures fixtures = new PlannerFixtures();
        final IncrementalPlanner incremental = new IncrementalPlanner(new Planner(new SpecCodec()));
        final Planner full = new Planner(new SpecCodec());
        final Map<String, AgentStatus> rows = new HashMap<>();
        final Set<String> changed = new HashSet<>();
        final Set<String> excluded = new HashSet<>();
        final Set<String> gone = new HashSet<>();
        List<AgentView> listed;
        Optional<ClusterStatus> document = Optional.empty();
        /** The status the last round computed: what a leader that never held a document back would have stored. */
        Optional<ClusterStatus> lastStatus = Optional.empty();
        int budget = 2;
        String canary = "0";
        boolean drain = true; // until an edit turns it off: most schedules drain
        int rounds;

        Harness() {
            IntStream.range(0, AGENTS).forEach(i -> fixtures.agents(PlannerFixtures.privateAgent(id(i))));
            listed = List.copyOf(fixtures.agents);
            editSpec();
        }

        void apply(Event event, Map<Integer, FakeNodeAgent> nodeAgents) {
            if (event instanceof Act a) {
                report(a.agent(), () -> nodeAgents.get(a.agent()).act(fixtures));
            } else if (event instanceof Fail f) {
                report(f.agent(), () -> nodeAgents.get(f.agent()).fail(fixtures));
            } else if (event instanceof Lose l) {
                report(l.agent(), () -> fixtures.reports.remove(id(l.agent())));
            } else if (event instanceof Tamper t) {
                Map<String, AgentPlan> plans = new HashMap<>(fixtures.plans);
                plans.remove(id(t.agent()));
                fixtures.plans = plans;
                rows.remove(id(t.agent()));
                changed.add(id(t.agent()));
            } else if (event instanceof Leave l) {
                gone.add(id(l.agent()));
                relist();
            } else if (event instanceof Return r) {
                gone.remove(id(r.agent()));
                relist();
            } else if (event instanceof Exclude x) {
                if (!excluded.remove(id(x.agent()))) {
                    excluded.add(id(x.agent()));
                }
                editSpec();
            } else if (event instanceof Edit e) {
                budget = e.budget();
                canary = e.canary();
                drain = e.drain();
                editSpec();
            } else if (event instanceof Pause) {
                fixtures.control = new ControlState(!fixtures.control.paused(), fixtures.now);
            } else if (event instanceof Tick) {
                fixtures.now = fixtures.now.plusSeconds(180);
            } else if (event instanceof Lookup l) {
                fixtures.workloads = l.tasks() < 0 ? Workloads.unknown(fixtures.now, "HTTP 503 from /master/frameworks")
                        : Workloads.listed(fixtures.now, Map.of(id(l.agent()), IntStream.range(0, l.tasks())
                                .mapToObj(t -> new Workload("marathon", true, "app-" + t, Workload.Containerizer.DOCKER)).toList()));
            } else if (event instanceof NewTerm) {
                incremental.newTerm();
                lastStatus = document; // a new leader knows what etcd holds, nothing more
            } else {
                round(((Round) event).writeStatus());
            }
        }

        private void report(int agent, Runnable act) {
            act.run();
            changed.add(id(agent));
        }

        /** A new agent list, as the poller hands out one when the master's answer changes. */
        private void relist() {
            listed = fixtures.agents.stream().filter(a -> !gone.contains(a.agentId())).toList();
        }

        private void editSpec() {
            String exclude = excluded.isEmpty() ? "" : "  exclude: [" + String.join(", ", excluded.stream().sorted().toList()) + "]\n";
            fixtures.spec("agents:\n  roles: ['*']\n" + exclude + "rollout:\n  maxConcurrentRestarts: " + budget
                    + "\n  canary: " + canary + "\n" + (drain ? "  drain: {enabled: true, timeout: 5m}\n" : ""));
        }

        void round(boolean writeStatus) {
            PlanInput input = new PlanInput(fixtures.cluster, fixtures.revision, fixtures.observed, fixtures.invalid, listed,
                    fixtures.reports, fixtures.plans, fixtures.control, document.orElse(ClusterStatus.empty()), rows,
                    fixtures.specInForce, fixtures.now, PlannerFixtures.GRACE, fixtures.selfHost, fixtures.workloads);
            PlanResult expected = full.plan(lastStatus.map(input::withPrevious).orElse(input));
            PlanDelta delta = incremental.plan(input, Set.copyOf(changed));
            changed.clear();
            write(delta, writeStatus);
            lastStatus = Optional.of(delta.summary());

            assertThat(fixtures.plans).as("plans").isEqualTo(expected.plans());
            assertThat(rows).as("status rows").isEqualTo(expected.status().agents());
            assertThat(delta.summary().withUpdatedAt(null)).as("status document").isEqualTo(expected.status().withoutAgents().withUpdatedAt(null));
            assertThat(delta.plannedAgents()).as("planned agents").isEqualTo(expected.plans().keySet());
            rounds++;
            fixtures.status = expected.status();
            fixtures.now = fixtures.now.plusSeconds(1);
        }

        /** Applies a round's writes as etcd would, noting the agents whose keys changed, as the watch does. */
        private void write(PlanDelta delta, boolean writeStatus) {
            delta.specInForce().ifPresent(spec -> fixtures.specInForce = Optional.of(spec));
            Map<String, AgentPlan> plans = new HashMap<>(fixtures.plans);
            apply(plans, delta.deletePlans(), delta.plans());
            fixtures.plans = plans;
            apply(rows, delta.deleteRows(), delta.rows());
            // The writer skips a document that differs only in its time.
            ClusterStatus summary = delta.summary();
            if (writeStatus && !document.map(d -> d.withUpdatedAt(summary.updatedAt())).equals(Optional.of(summary))) {
                document = Optional.of(summary);
            }
        }

        private <T> void apply(Map<String, T> stored, Set<String> deletes, Map<String, T> puts) {
            deletes.forEach(id -> {
                if (stored.remove(id) != null) {
                    changed.add(id);
                }
            });
            puts.forEach((id, value) -> {
                if (!value.equals(stored.put(id, value))) {
                    changed.add(id);
                }
            });
        }
    }
}
