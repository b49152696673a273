package dev.calicodcos.controller.http;

import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.Map;

/** A status with other rows: none (the bounded summary {@code /api/v1/status} serves) or a chosen few. Pure. */
public final class StatusSummary {
    private StatusSummary() {}

    /** Conditions, counts, per-step summary, rollout and events; {@code agents} empty, whatever the cluster's size. */
    public static ClusterStatus of(ClusterStatus status) {
        return withAgents(status, Map.of());
    }

    public static ClusterStatus withAgents(ClusterStatus status, Map<String, AgentStatus> agents) {
        return new ClusterStatus(status.observedGeneration(), status.appliedGeneration(), status.conditions(), status.agentCounts(),
                status.steps(), status.rollout(), agents, status.events(), status.updatedAt());
    }

    /** Agents in all, from the counts: right also for a summary, which has no rows. */
    public static int agents(ClusterStatus status) {
        return status.agentCounts().values().stream().mapToInt(Integer::intValue).sum();
    }
}
