package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;







import dev.calicodcos.model.status.AgentPhase;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The planner against node agents that act in any order: whatever the interleaving of reports,
 * lost reports, spec edits and planning rounds, no round leaves more restart grants than the
 * budget, and once the agents keep acting, every one of them converges.
 */
class PlannerPropertiesTest {
    private static final int AGENTS = 8;

    /** Something that happens between planning rounds. */
    sealed interface Event permits Act, Lose, Edit, Round {}

    /** Agent {@code agent} runs one pass on the plan it last read and reports. */
    record Act(int agent) implements Event {}

    /** Agent {@code agent}'s report lease expires (its node agent died). */
    record Lose(int agent) implements Event {}

    /** The user edits the spec: every step hash changes. */
    record Edit() implements Event {}

    /** The leader plans. */
    record Round() implements Event {}

    @Provide
    Arbitrary<List<Event>> schedules() {
        Arbitrary<Event> act = Arbitraries.integers().between(0, AGENTS - 1).map(Act::new);
        Arbitrary<Event> lose = Arbitraries.integers().between(0, AGENTS - 1).map(Lose::new);
        return Arbitraries.frequencyOf(
                Tuple.of(12, act), Tuple.of(1, lose), Tuple.of(1, Arbitraries.just(new Edit())), Tuple.of(6, Arbitraries.just(new Round())))
                .list().ofMinSize(10).ofMaxSize(300);
    }

    @Property(tries = 50) // about 2 s; run more on purpose with a higher number here
    void theBudgetHoldsAfterEveryRoundAndEveryAgentConvergesOnceAgentsKeepActing(
            @ForAll @IntRange(min = 1, max = 3) int budget,
            @ForAll("schedules") List<Event> schedule,
            @ForAll @Size(AGENTS) List<@IntRange(min = 0, max = 2) Integer> restartEvery) {
        PlannerFixtures world = new PlannerFixtures();
        IntStream.range(0, AGENTS).forEach(i -> world.agents(PlannerFixtures.privateAgent(id(i))));
        String spec = "rollout:\n  maxConcurrentRestarts: " + budget + "\n";
        world.spec(spec);
        Map<String, FakeNodeAgent> agents = new HashMap<>();
        IntStream.range(0, AGENTS).forEach(i -> agents.put(id(i), new FakeNodeAgent(id(i), restartEvery.get(i))));

        for (Event event : schedule) {
            if (event instanceof Act act) {
                agents.get(id(act.agent())).act(world);
            } else if (event instanceof Lose lose) {
                world.reports.remove(id(lose.agent()));
            } else if (event instanceof Edit) {
                world.spec(spec); // a new revision: the agents' hashes change with it
            } else {
                world.round();
                assertThat(world.grants()).as("grants after a round").isLessThanOrEqualTo(budget);
            }
        }

        // From here every agent acts after every round, as live node agents do.
        for (int round = 0; round < 6 * AGENTS; round++) {
            world.round();
            assertThat(world.grants()).as("grants after a round").isLessThanOrEqualTo(budget);
            agents.values().forEach(agent -> agent.act(world));
        }
        world.round();
        assertThat(world.status.agentCounts().getOrDefault(AgentPhase.READY, 0)).as("ready agents").isEqualTo(AGENTS);
        assertThat(world.grants()).isZero();
    }

    private static String id(int i) {
        return "a" + i;
    }
}
