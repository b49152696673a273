package dev.calicodcos.model.status;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the leader reports at {@code clusters/<name>/status}.
 *
 * @param observedGeneration the spec revision this status answers (also when that spec is invalid)
 * @param appliedGeneration  the revision of the last valid spec, the one agents converge on
 * @param agentCounts        agents by phase
 * @param steps              per step, agents by step phase
 * @param agents             every selected (or still remembered) agent, by id
 * @param events             the newest last, at most {@link #MAX_EVENTS}
 */
public record ClusterStatus(
        long observedGeneration,
        long appliedGeneration,
        List<Condition> conditions,
        Map<AgentPhase, Integer> agentCounts,
        Map<StepName, Map<StepPhase, Integer>> steps,
        RolloutStatus rollout,
        Map<String, AgentStatus> agents,
        List<ClusterEvent> events,
        Instant updatedAt) {

    public static final int MAX_EVENTS = 200;

    public ClusterStatus {
        conditions = List.copyOf(conditions);
        agentCounts = Map.copyOf(agentCounts);
        steps = Map.copyOf(steps);
        agents = Map.copyOf(agents);
        events = List.copyOf(events);
    }

    public static ClusterStatus empty() {
        return new ClusterStatus(0, 0, List.of(), Map.of(), Map.of(), RolloutStatus.initial(), Map.of(), List.of(), null);
    }

    /** The same status with these rows (the stored document has none; readers join the rows kept beside it). */
    public ClusterStatus withAgents(Map<String, AgentStatus> rows) {
        return new ClusterStatus(observedGeneration, appliedGeneration, conditions, agentCounts, steps, rollout, rows, events, updatedAt);
    }

    /** The status document as stored: everything but the rows, bounded whatever the number of agents. */
    public ClusterStatus withoutAgents() {
        return withAgents(Map.of());
    }

    public ClusterStatus withUpdatedAt(Instant at) {
        return new ClusterStatus(observedGeneration, appliedGeneration, conditions, agentCounts, steps, rollout, agents, events, at);
    }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }

    public boolean isTrue(String type) {
        return condition(type).map(Condition::isTrue).orElse(false);
    }
}
