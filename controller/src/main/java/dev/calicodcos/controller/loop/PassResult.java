package dev.calicodcos.controller.loop;

import dev.calicodcos.model.status.ClusterStatus;
import java.time.Duration;
import java.util.Set;

/**
 * What one pass did and found: the loop hands it to whoever follows the plans (the fleet, the
 * timeline, the gauges), so nothing reads a pass's outcome back from fields.
 *
 * @param status        the status the pass computed (or found, when it planned nothing)
 * @param plannedAgents the agents with a plan after the pass: the ones that must run a node agent
 * @param passWithin    when the next pass is wanted at the latest (a status document held back), or null
 */
public record PassResult(Outcome outcome, ClusterStatus status, Set<String> plannedAgents, Duration passWithin) {

    public PassResult {
        plannedAgents = Set.copyOf(plannedAgents);
    }

    public PassResult(Outcome outcome, ClusterStatus status, Set<String> plannedAgents) {
        this(outcome, status, plannedAgents, null);
    }

    public enum Outcome { WROTE, UNCHANGED, NO_SPEC, NOT_LEADER }

    public static PassResult notLeader() {
        return new PassResult(Outcome.NOT_LEADER, ClusterStatus.empty(), Set.of());
    }
}
