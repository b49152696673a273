package dev.calicodcos.controller.plan;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's fuzz target (Jazzer, coverage-guided): the schedules of
 * {@link RolloutSafetyPropertiesTest} drawn from the fuzzer's bytes, so that it steers toward the
 * planner's unvisited branches; the same checks, canary waves included. The unit tier replays the corpus kept in test resources
 * ({@code PlannerFuzzTestInputs/}); {@code -Pfuzz} fuzzes it (see the README, "Property and fuzz tests").
 */
class PlannerFuzzTest {
    private static final int AGENTS = 6;

    @FuzzTest(maxDuration = "5m")
    void theBudgetHoldsAndAgentsConvergeUnderAnySchedule(FuzzedDataProvider data) {
        String canary = data.pickValue(new String[] {"0", "1", "2", "'50%'"});
        int budget = data.consumeInt(1, 3);
        int maxFailedAgents = data.consumeInt(0, 2);
        List<Integer> restartEvery = ints(data, 0, 2);
        List<Integer> restartPasses = ints(data, 1, 3);
        List<Integer> slowness = ints(data, 1, 4);
        List<RolloutSafetyPropertiesTest.Event> schedule = new ArrayList<>();
        while (data.remainingBytes() > 0 && schedule.size() < 400) {
            schedule.add(event(data));
        }
        RolloutSafetyPropertiesTest.simulate(budget, maxFailedAgents, canary, schedule, restartEvery, restartPasses, slowness);
    }

    private static List<Integer> ints(FuzzedDataProvider data, int min, int max) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            out.add(data.consumeInt(min, max));
        }
        return out;
    }

    /** The property's mix of events: mostly agents acting, reading plans, being seen, and rounds. */
    private static RolloutSafetyPropertiesTest.Event event(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 39);
        int agent = data.consumeInt(0, AGENTS - 1);
        if (kind < 14) {
            return new RolloutSafetyPropertiesTest.Act(agent);
        } else if (kind < 20) {
            return new RolloutSafetyPropertiesTest.Watch(agent);
        } else if (kind < 28) {
            return new RolloutSafetyPropertiesTest.Deliver(agent, data.consumeBoolean());
        } else if (kind < 29) {
            return new RolloutSafetyPropertiesTest.Lose(agent);
        } else if (kind < 31) {
            int passes = data.consumeInt(0, 20); // for good (0) as rarely as the property draws it
            return new RolloutSafetyPropertiesTest.Fail(agent, passes == 0 ? 0 : passes % 2 == 0 ? 1 : 3);
        } else if (kind < 32) {
            return new RolloutSafetyPropertiesTest.Edit();
        }
        return new RolloutSafetyPropertiesTest.Round();
    }
}
