package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.Map;
import java.util.Optional;

/**
 * What etcd holds that a pass's writes are compared with, key by key. The maps are read-only views
 * (looked up, never iterated whole), valid while the pass computes its writes.
 *
 * @param statusDocument the status document as stored (rows inside it only if an earlier version wrote it)
 * @param rows           the agents' status rows stored as their own keys
 */
public record StoredDocuments(Optional<SpecInForce> specInForce, Map<String, AgentPlan> plans, Optional<ClusterStatus> statusDocument,
                              Map<String, AgentStatus> rows) {}
