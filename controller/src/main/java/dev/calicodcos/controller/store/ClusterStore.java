package dev.calicodcos.controller.store;

import dev.calicodcos.controller.plan.ControlState;
import dev.calicodcos.controller.plan.PlannedWrite;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One cluster's documents in etcd, typed: a consistent paged snapshot, a watch of every change from
 * a revision, and the leader's fenced writes. Keys and JSON stay in {@link ClusterDocuments}.
 */
public final class ClusterStore {
    /**
     * Keys per page of the snapshot read. A plan or report is a few KiB (the largest plans carry the
     * spec), so a page stays well under a MiB, far below gRPC's 4 MiB default answer limit.
     */
    public static final int PAGE_SIZE = 200;
    /** etcd refuses transactions of more than 128 operations by default (--max-txn-ops); one is the fence. */
    public static final int MAX_WRITES_PER_TXN = 100;

    private final KvStore kv;
    private final ClusterDocuments documents;

    public ClusterStore(KvStore kv, ClusterDocuments documents) {
        this.kv = kv;
        this.documents = documents;
    }

    public ClusterKeys keys() {
        return documents.keys();
    }

    /** Every document of the cluster as of one revision, read page by page at that revision. */
    public ClusterSnapshot load() {
        Builder snapshot = new Builder();
        String prefix = keys().clusterPrefix();
        KvStore.Page page = kv.page(prefix, null, PAGE_SIZE, 0);
        long revision = page.revision();
        while (true) {
            page.entries().forEach((key, value) -> snapshot.apply(documents.decode(new KvStore.Change(key, Optional.of(value), revision))));
            if (!page.more() || page.entries().isEmpty()) {
                return snapshot.build(revision);
            }
            page = kv.page(prefix, page.entries().lastKey(), PAGE_SIZE, revision);
        }
    }

    /** Every change of the cluster's keys after {@code fromRevision}, decoded; see {@link KvStore#watchPrefix}. */
    public KvStore.Watch watch(long fromRevision, Consumer<List<ClusterChange>> onChanges, Consumer<Throwable> onError) {
        return kv.watchPrefix(keys().clusterPrefix(), fromRevision,
                changes -> onChanges.accept(changes.stream().map(documents::decode).toList()), onError);
    }

    /**
     * Writes the batches in order, each in one transaction fenced by leadership. Returns the revision
     * of the last one, or empty as soon as the fence fails (the earlier batches stay written).
     */
    public OptionalLong commit(KvStore.Fence fence, List<List<PlannedWrite>> batches) {
        OptionalLong revision = OptionalLong.empty();
        for (List<PlannedWrite> batch : batches) {
            revision = kv.commit(fence, batch.stream().map(this::write).toList());
            if (revision.isEmpty()) {
                return revision;
            }
        }
        return revision;
    }

    /**
     * After {@link #commit} failed without an answer (etcd may or may not have applied the batches):
     * the newest revision any of them shows in etcd now, read from one key each batch puts (a batch
     * is one transaction, so one key tells for all of it). A view that has seen this revision holds
     * whatever etcd applied; a batch that did not land shows an older, already seen revision.
     */
    public long landedRevision(List<List<PlannedWrite>> batches) {
        long newest = 0;
        for (List<PlannedWrite> batch : batches) {
            Optional<KvStore.Write> put = batch.stream().map(this::write).filter(w -> w instanceof KvStore.Put).findFirst();
            if (put.isPresent()) {
                newest = Math.max(newest, kv.get(put.get().key()).map(Versioned::modRevision).orElse(0L));
            }
        }
        return newest;
    }

    /**
     * Marks a new leadership term with a fenced write of {@link ClusterKeys#term()}. Returns its
     * revision, which follows every earlier leader's write and which the controller's own watch
     * brings back (etcd's current revision may be a key outside the cluster, such as the election's,
     * that the watch never shows); empty when the fence failed.
     */
    public OptionalLong markTerm(KvStore.Fence fence, Instant since) {
        Term term = new Term(since, fence.createRevision());
        return kv.commit(fence, List.of(new KvStore.Put(keys().term(), documents.encode(term))));
    }

    /** The value of the term key: when the term began, and the leader's fence (its election key's create revision). */
    record Term(Instant since, long fence) {
    }

    /** The status document alone (one read): conditions, counts, rollout, events; no agent rows. */
    public Optional<ClusterStatus> summary() {
        return documents.summary(kv.get(keys().status()));
    }

    /** The status with every agent's row (a paged read of the whole cluster); empty before the first status. */
    public Optional<ClusterStatus> status() {
        ClusterSnapshot snapshot = load();
        return snapshot.hasStatus() ? Optional.of(snapshot.status()) : Optional.empty();
    }

    private KvStore.Write write(PlannedWrite write) {
        if (write instanceof PlannedWrite.PutSpecInForce inForce) {
            return new KvStore.Put(keys().specInForce(), documents.encode(inForce.spec()));
        }
        if (write instanceof PlannedWrite.PutPlan put) {
            return new KvStore.Put(keys().plan(put.agentId()), documents.encode(put.plan()));
        }
        if (write instanceof PlannedWrite.DeletePlan delete) {
            return new KvStore.Delete(keys().plan(delete.agentId()));
        }
        if (write instanceof PlannedWrite.PutRow row) {
            return new KvStore.Put(keys().agentStatus(row.agentId()), documents.encode(row.row()));
        }
        if (write instanceof PlannedWrite.DeleteRow row) {
            return new KvStore.Delete(keys().agentStatus(row.agentId()));
        }
        return new KvStore.Put(keys().status(), documents.encode(((PlannedWrite.PutStatus) write).summary()));
    }

    /** Folds decoded changes into documents; the view keeps one of these up to date. */
    static final class Builder {
        private Optional<Versioned> spec = Optional.empty();
        private Optional<SpecInForce> inForce = Optional.empty();
        private ControlState control = ControlState.none();
        private Optional<ClusterStatus> summary = Optional.empty();
        private final Map<String, AgentStatus> rows = new HashMap<>();
        private final Map<String, AgentPlan> plans = new HashMap<>();
        private final Map<String, AgentReport> reports = new HashMap<>();

        static Builder of(ClusterSnapshot snapshot) {
            Builder b = new Builder();
            b.spec = snapshot.spec();
            b.inForce = snapshot.specInForce();
            b.control = snapshot.control();
            b.summary = snapshot.statusDocument();
            b.rows.putAll(snapshot.rows());
            b.plans.putAll(snapshot.plans());
            b.reports.putAll(snapshot.reports());
            return b;
        }

        void apply(ClusterChange change) {
            if (change instanceof ClusterChange.Spec s) {
                spec = s.stored();
            } else if (change instanceof ClusterChange.InForce f) {
                inForce = f.spec();
            } else if (change instanceof ClusterChange.Control c) {
                control = c.control();
            } else if (change instanceof ClusterChange.Status s) {
                summary = s.summary();
            } else if (change instanceof ClusterChange.Row r) {
                r.row().ifPresentOrElse(row -> rows.put(r.agentId(), row), () -> rows.remove(r.agentId()));
            } else if (change instanceof ClusterChange.Plan p) {
                p.plan().ifPresentOrElse(plan -> plans.put(p.agentId(), plan), () -> plans.remove(p.agentId()));
            } else if (change instanceof ClusterChange.Report r) {
                r.report().ifPresentOrElse(report -> reports.put(r.agentId(), report), () -> reports.remove(r.agentId()));
            }
        }

        /** The status alone (document and rows), without copying plans and reports. */
        ClusterStatus status() {
            return summary.map(document -> ClusterSnapshot.joined(document, rows)).orElse(ClusterStatus.empty());
        }

        ClusterSnapshot build(long revision) {
            return new ClusterSnapshot(revision, spec, inForce, control, summary, Map.copyOf(rows), Map.copyOf(plans), Map.copyOf(reports));
        }

        /** The documents without a copy: read-only views that change as changes are applied. */
        ClusterSnapshot live(long revision) {
            return new ClusterSnapshot(revision, spec, inForce, control, summary, Collections.unmodifiableMap(rows),
                    Collections.unmodifiableMap(plans), Collections.unmodifiableMap(reports));
        }
    }
}
