package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node agent as the planner sees it: on its plan's revision, the cluster-store step needs a
 * restart on one revision in {@code restartEvery} (0: never); it waits for the grant, restarts,
 * and is done (a drain grant: once its not-before time has come). Every other step is done at once. It can also be told to fail that step.
 */
final class FakeNodeAgent {
    private final String id;
    private final int restartEvery;
    private long revisionSeen = -1;
    private boolean restarted;

    FakeNodeAgent(String id, int restartEvery) {
        this.id = id;
        this.restartEvery = restartEvery;
    }

    /** Runs one pass on the plan it last read and reports. */
    void act(PlannerFixtures world) {
        AgentPlan plan = world.plans.get(id);
        if (plan == null) {
            return; // no plan yet: the node agent waits
        }
        long revision = plan.specRevision();
        if (plan.paused() && revision != revisionSeen) {
            return; // a paused plan starts nothing of a new spec (a canary wave holds this agent, or the user paused)
        }
        if (revision != revisionSeen) {
            revisionSeen = revision;
            restarted = false;
        }
        String hash = "h-" + revision;
        boolean needsRestart = restartEvery != 0 && revision % restartEvery == 0;
        StepPhase store;
        if (!needsRestart || restarted) {
            store = StepPhase.DONE;
        } else if (plan.grants(StepName.DOCKER_CLUSTER_STORE, hash) && !plan.restartGrant().orElseThrow().waitsAt(world.now)) {
            restarted = true;
            store = StepPhase.RESTARTING;
        } else {
            store = StepPhase.AWAITING_RESTART;
        }
        report(world, revision, store);
    }

    /** Reports the cluster-store step failed at its plan's revision. */
    void fail(PlannerFixtures world) {
        AgentPlan plan = world.plans.get(id);
        if (plan != null) {
            report(world, plan.specRevision(), StepPhase.FAILED);
        }
    }

    private void report(PlannerFixtures world, long revision, StepPhase store) {
        String hash = "h-" + revision;
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            StepPhase phase = step == StepName.DOCKER_CLUSTER_STORE ? store : StepPhase.DONE;
            steps.put(step, new StepReport(phase, hash, Optional.of(hash), Optional.empty(), phase.name(), world.now));
        }
        world.reports.put(id, new AgentReport(id, "test", revision,
                new AgentFacts(id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                List.of(), steps, world.now));
    }
}
