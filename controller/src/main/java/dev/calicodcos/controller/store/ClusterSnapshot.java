package dev.calicodcos.controller.store;

import dev.calicodcos.controller.plan.ControlState;
import dev.calicodcos.controller.plan.StoredDocuments;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every document of one cluster as of one etcd revision: what a pass plans from. The maps are what
 * the maker gave: copies from {@link ClusterView#snapshot()}, live read-only views inside
 * {@link ClusterView#read}.
 *
 * @param revision       the etcd revision these documents are as of
 * @param spec           the user's spec key as written (valid or not)
 * @param specInForce    the last valid spec, which the plans reference
 * @param statusDocument the status document as stored (conditions, counts, rollout, events)
 * @param rows           each agent's status row, stored beside the document
 */
public record ClusterSnapshot(long revision, Optional<Versioned> spec, Optional<SpecInForce> specInForce, ControlState control,
                              Optional<ClusterStatus> statusDocument,
                              Map<String, AgentStatus> rows, Map<String, AgentPlan> plans, Map<String, AgentReport> reports) {

    /**
     * The status with every agent's row, or the empty status before the leader wrote one. Rows that
     * an earlier version kept inside the document count too, unless a row key replaced them.
     */
    public ClusterStatus status() {
        if (statusDocument.isEmpty()) {
            return ClusterStatus.empty();
        }
        return joined(statusDocument.get(), rows);
    }

    /** The document with the rows kept beside it; rows an earlier version kept inside count unless a row key replaced them. */
    static ClusterStatus joined(ClusterStatus document, Map<String, AgentStatus> rows) {
        Map<String, AgentStatus> all = new HashMap<>(document.agents());
        all.putAll(rows);
        return document.withAgents(all);
    }

    /** The agents' rows, with the ones an earlier version kept inside the document unless a row key replaced them. */
    public Map<String, AgentStatus> allRows() {
        return statusDocument.filter(d -> !d.agents().isEmpty()).map(d -> joined(d, rows).agents()).orElse(rows);
    }

    public boolean hasStatus() {
        return statusDocument.isPresent();
    }

    /** What a pass's writes are compared with. */
    public StoredDocuments stored() {
        return new StoredDocuments(specInForce, plans, statusDocument, rows);
    }
}
