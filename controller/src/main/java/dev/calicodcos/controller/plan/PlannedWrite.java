package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;

/** One write a pass asks for, as a document: the store encodes it and picks the key. */
public sealed interface PlannedWrite {

    /** The spec the plans reference; written before the first plan that names its revision. */
    record PutSpecInForce(SpecInForce spec) implements PlannedWrite {}

    record PutPlan(String agentId, AgentPlan plan) implements PlannedWrite {}

    record DeletePlan(String agentId) implements PlannedWrite {}

    /** The status document: everything but the agents' rows, which are written one key per agent. */
    record PutStatus(ClusterStatus summary) implements PlannedWrite {}

    record PutRow(String agentId, AgentStatus row) implements PlannedWrite {}

    record DeleteRow(String agentId) implements PlannedWrite {}
}
