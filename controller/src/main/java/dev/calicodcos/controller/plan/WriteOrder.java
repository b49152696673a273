package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.time.Duration;
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
        return batches(result, etcd, maxPerBatch, Duration.ZERO);
    }

    /**
     * As above, but a status document that changed only in its counts, step summary or events is
     * written at most once per {@code statusInterval}: in a rollout every pass changes those, and at
     * 50 restarts a second a document with its 200 events, written and watched back per pass, was
     * most of etcd's traffic. Generations, conditions and the rollout's paused and halted state are
     * written at once, so {@code status --wait} sees Ready when it happens.
     */
    public static List<List<PlannedWrite>> batches(PlanDelta result, StoredDocuments etcd, int maxPerBatch, Duration statusInterval) {
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
        if (statusDueIn(etcd.statusDocument(), result.summary(), statusInterval).filter(Duration::isZero).isPresent()) {
            writes.add(new PlannedWrite.PutStatus(result.summary()));
        }
        List<List<PlannedWrite>> batches = new ArrayList<>();
        for (int from = 0; from < writes.size(); from += maxPerBatch) {
            batches.add(List.copyOf(writes.subList(from, Math.min(writes.size(), from + maxPerBatch))));
        }
        return batches;
    }

    /**
     * When the {@code planned} status document is due: now (zero), after the returned wait, or never
     * (empty: etcd holds it but for its time). A stored document with rows inside (from an earlier
     * version) is due at once, to be rewritten without them.
     */
    public static Optional<Duration> statusDueIn(Optional<ClusterStatus> stored, ClusterStatus planned, Duration interval) {
        if (stored.isEmpty()) {
            return Optional.of(Duration.ZERO);
        }
        ClusterStatus before = stored.get();
        if (before.withUpdatedAt(planned.updatedAt()).equals(planned)) {
            return Optional.empty();
        }
        if (!before.agents().isEmpty() || !Headline.of(before).equals(Headline.of(planned))
                || before.updatedAt() == null || planned.updatedAt() == null) {
            return Optional.of(Duration.ZERO);
        }
        Duration since = Duration.between(before.updatedAt(), planned.updatedAt());
        return Optional.of(since.compareTo(interval) >= 0 ? Duration.ZERO : interval.minus(since));
    }

    /** What a reader of the status waits for, as opposed to counts and events that move every pass. */
    private record Headline(long observed, long applied, List<String> conditions, boolean paused, boolean halted) {
        static Headline of(ClusterStatus s) {
            return new Headline(s.observedGeneration(), s.appliedGeneration(),
                    s.conditions().stream().map(c -> c.type() + "=" + c.status() + "/" + c.reason()).toList(),
                    s.rollout().paused(), s.rollout().halted());
        }
    }

    private static boolean issuesGrant(AgentPlan plan, AgentPlan before) {
        Optional<RestartGrant> held = before == null ? Optional.empty() : before.restartGrant();
        return plan.restartGrant().isPresent() && !plan.restartGrant().equals(held);
    }
}
