package dev.calicodcos.controller.store;

import dev.calicodcos.controller.plan.ControlState;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.Optional;

/** One key of a cluster at a revision, decoded: an empty value is a deleted (or unreadable) key. */
public sealed interface ClusterChange {
    long revision();

    /** The spec stays raw: the reader validates it and keeps the last valid one. */
    record Spec(Optional<Versioned> stored, long revision) implements ClusterChange {}

    record Control(ControlState control, long revision) implements ClusterChange {}

    /** The status document (empty: deleted or unreadable); the agents' rows are {@link Row}s. */
    record Status(Optional<ClusterStatus> summary, long revision) implements ClusterChange {}

    record InForce(Optional<SpecInForce> spec, long revision) implements ClusterChange {}

    record Plan(String agentId, Optional<AgentPlan> plan, long revision) implements ClusterChange {}

    record Report(String agentId, Optional<AgentReport> report, long revision) implements ClusterChange {}

    /** The leader's status row of one agent ({@code agents/<id>/status}). */
    record Row(String agentId, Optional<AgentStatus> row, long revision) implements ClusterChange {}

    record Unrelated(String key, long revision) implements ClusterChange {}
}
