package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a pass writes, and in which order, from its result and what etcd holds. Unchanged plans and
 * status rows are not written, nor a status document that differs only in its time. The spec in
 * force comes first, so no plan names a revision a node agent cannot read. Releases come before
 * grants (deleted plans, then plans that issue no new grant, then plans that do), then the
 * agents' status rows, then the status document, cut into batches of at most {@code maxPerBatch}:
 * each batch is one transaction, so if a later one fails, the grants in etcd only ever went down.
 * The rows are kept apart from the document (one key per agent) so that the document stays bounded
 * whatever the number of agents, and a report rewrites one row, not every agent's.
 */
public final class WriteOrder {
    private WriteOrder() {}

    public static List<List<PlannedWrite>> batches(PlanDelta result, StoredDocuments etcd, int maxPerBatch) {
        if (maxPerBatch < 1) {
            throw new IllegalArgumentException("maxPerBatch must be at least 1, was " + maxPerBatch);
        }
        Map<String, AgentPlan> stored = etcd.plans();
        List<PlannedWrite> releases = new ArrayList<>();
        result.specInForce().filter(spec -> !etcd.specInForce().equals(Optional.of(spec)))
                .ifPresent(spec -> releases.add(new PlannedWrite.PutSpecInForce(spec))); // before any plan that names it
        List<PlannedWrite> grants = new ArrayList<>();
        result.deletePlans().stream().filter(stored::containsKey).sorted()
                .forEach(agentId -> releases.add(new PlannedWrite.DeletePlan(agentId)));
        result.plans().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            AgentPlan before = stored.get(e.getKey());
            if (!e.getValue().equals(before)) {
                (issuesGrant(e.getValue(), before) ? grants : releases).add(new PlannedWrite.PutPlan(e.getKey(), e.getValue()));
            }
        });
        List<PlannedWrite> writes = new ArrayList<>(releases);
        writes.addAll(grants);
        Map<String, AgentStatus> storedRows = etcd.rows();
        result.deleteRows().stream().filter(storedRows::containsKey).sorted()
                .forEach(agentId -> writes.add(new PlannedWrite.DeleteRow(agentId)));
        result.rows().entrySet().stream().filter(e -> !e.getValue().equals(storedRows.get(e.getKey()))).sorted(Map.Entry.comparingByKey())
                .forEach(e -> writes.add(new PlannedWrite.PutRow(e.getKey(), e.getValue())));
        // A stored document with rows inside (from an earlier version) differs, so it is rewritten without them.
        ClusterStatus summary = result.summary();
        if (!etcd.statusDocument().map(d -> d.withUpdatedAt(summary.updatedAt())).equals(Optional.of(summary))) {
            writes.add(new PlannedWrite.PutStatus(summary));
        }
        List<List<PlannedWrite>> batches = new ArrayList<>();
        for (int from = 0; from < writes.size(); from += maxPerBatch) {
            batches.add(List.copyOf(writes.subList(from, Math.min(writes.size(), from + maxPerBatch))));
        }
        return batches;
    }

    private static boolean issuesGrant(AgentPlan plan, AgentPlan before) {
        Optional<RestartGrant> held = before == null ? Optional.empty() : before.restartGrant();
        return plan.restartGrant().isPresent() && !plan.restartGrant().equals(held);
    }
}
