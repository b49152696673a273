package dev.calicodcos.controller.http;

import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.Map;

/** A status with other rows: none (the bounded summary {@code /api/v1/status} serves) or a chosen few. Pure. */
public final class StatusSummary {
    private StatusSummary() {}

    /** Conditions, counts, per-step summary, rollout and events; {@code agents} empty, whatever the cluster's size. */
    public static ClusterStatus of(ClusterStatus status) {
        return status.withoutAgents();
    }

    public static ClusterStatus withAgents(ClusterStatus status, Map<String, AgentStatus> agents) {
        return status.withAgents(agents);
    }

    /** Agents in all, from the counts: right also for a summary, which has no rows. */
    public static int agents(ClusterStatus status) {
        return status.agentCounts().values().stream().mapToInt(Integer::intValue).sum();
    }
}
