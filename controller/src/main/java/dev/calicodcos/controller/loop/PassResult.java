package dev.calicodcos.controller.loop;

import dev.calicodcos.model.status.ClusterStatus;
import java.util.Set;

/**
 * What one pass did and found: the loop hands it to whoever follows the plans (the fleet, the
 * timeline, the gauges), so nothing reads a pass's outcome back from fields.
 *
 * @param status        the status the pass computed (or found, when it planned nothing)
 * @param plannedAgents the agents with a plan after the pass: the ones that must run a node agent
 */
public record PassResult(Outcome outcome, ClusterStatus status, Set<String> plannedAgents) {

    public PassResult {
        plannedAgents = Set.copyOf(plannedAgents);
    }

    public enum Outcome { WROTE, UNCHANGED, NO_SPEC, NOT_LEADER }

    public static PassResult notLeader() {
        return new PassResult(Outcome.NOT_LEADER, ClusterStatus.empty(), Set.of());
    }
}
