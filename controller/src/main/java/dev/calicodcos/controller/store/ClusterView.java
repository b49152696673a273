package dev.calicodcos.controller.store;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.reconcilers.log.FailureLog;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The controller's in-memory copy of one cluster's documents, fed by etcd the way client-go's
 * informers are: one paged snapshot, then a watch from its revision, so a pass reads the cluster
 * without an etcd request. When the watch fails (compacted past its revision, etcd unreachable for
 * longer than jetcd retries) the view reads a new snapshot and watches from there: what changed in
 * between is in the snapshot, so nothing is missed, and a pass follows.
 *
 * <p>{@code onChange} runs after a change a pass must answer: the spec, the control key, a report,
 * and every resync. Plans and the status are the leader's own writes; they update the view silently.
 */
public final class ClusterView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final ClusterStore store;
    private final Runnable onChange;
    private final FailureLog failureLog = new FailureLog(LOG);
    /** One snapshot read at a time, so a later read never installs an older snapshot. */
    private final Object reading = new Object();
    private final ScheduledExecutorService resyncs = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "view-resync");
        t.setDaemon(true);
        return t;
    });
    private ClusterStore.Builder documents;
    private long revision;
    private boolean synced;
    private long generation;
    private long snapshotsRead;
    /** Agents whose report, plan or row changed since the last {@link #read}; and whether a resync came since. */
    private final Set<String> changedAgents = new HashSet<>();
    private boolean resynced;
    private KvStore.Watch watch;
    private Duration retry = FIRST_RETRY;
    private boolean closed;

    public ClusterView(ClusterStore store, Runnable onChange) {
        this.store = store;
        this.onChange = onChange;
    }

    /** Reads the first snapshot in the background (retrying until etcd answers) and watches from it. */
    public void start() {
        resyncs.execute(this::resyncOrRetry);
    }

    /**
     * Reads a new snapshot now and watches from it. Throws {@link StoreException} when etcd does not answer.
     */
    public void resync() {
        synchronized (reading) {
            install(store.load());
        }
        onChange.run();
    }

    private void install(ClusterSnapshot snapshot) {
        synchronized (this) {
            if (closed) {
                return;
            }
            stopWatch();
            documents = ClusterStore.Builder.of(snapshot);
            revision = snapshot.revision();
            synced = true;
            resynced = true;
            changedAgents.clear();
            snapshotsRead++;
            long watching = ++generation;
            watch = store.watch(snapshot.revision() + 1, changes -> apply(watching, changes), error -> failed(watching, error));
            notifyAll();
        }
        LOG.debug("view synced revision={} plans={} reports={}", snapshot.revision(), snapshot.plans().size(), snapshot.reports().size());
    }

    /** The cluster as of the newest change seen. Throws {@link StoreException} until the first snapshot is read. */
    public synchronized ClusterSnapshot snapshot() {
        if (!synced) {
            throw new StoreException("the controller has not read the cluster from etcd yet", null);
        }
        return documents.build(revision);
    }

    /** What changed since the previous {@link #read}: some agents, or anything (a new snapshot was read). */
    public record Changes(boolean resynced, Set<String> agents) {
        public Changes {
            agents = Set.copyOf(agents);
        }
    }

    /** A computation over the documents as they are, told what changed since the previous one. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ClusterSnapshot documents, Changes changes);
    }

    /**
     * Runs {@code reader} on the documents as they are now, without copying them (at 10,000 agents a
     * copy per pass would cost more than planning what changed): the watch waits meanwhile, so the
     * reader sees one revision. If the reader throws, the changes it was given are lost: it must then
     * treat the next read as if anything changed. Throws {@link StoreException} until the first
     * snapshot is read.
     */
    public synchronized <T> T read(Reader<T> reader) {
        if (!synced) {
            throw new StoreException("the controller has not read the cluster from etcd yet", null);
        }
        Changes changes = new Changes(resynced, changedAgents);
        changedAgents.clear();
        resynced = false;
        return reader.read(documents.live(revision), changes);
    }

    /** How many snapshots the view has read: one at start, one per leadership term, one per watch that ended. */
    public synchronized long snapshotsRead() {
        return snapshotsRead;
    }

    /** The status with every row, as last seen; cheaper than {@link #snapshot()} (plans and reports are not copied). */
    public synchronized ClusterStatus status() {
        if (!synced) {
            throw new StoreException("the controller has not read the cluster from etcd yet", null);
        }
        return documents.status();
    }

    /**
     * Waits until the view has seen {@code atLeast} (the revision of the leader's own last write), so
     * a pass never plans from a view that misses its own grants. False when it has not within
     * {@code timeout}.
     */
    public synchronized boolean awaitRevision(long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!synced || revision < atLeast) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void apply(long watching, List<ClusterChange> changes) {
        boolean answer = false;
        synchronized (this) {
            if (watching != generation) {
                return; // a watch replaced by a resync
            }
            for (ClusterChange change : changes) {
                documents.apply(change);
                revision = Math.max(revision, change.revision());
                agentOf(change).ifPresent(changedAgents::add);
                answer |= change instanceof ClusterChange.Spec || change instanceof ClusterChange.Control
                        || change instanceof ClusterChange.Report;
            }
            notifyAll();
        }
        if (answer) {
            onChange.run();
        }
    }

    private static Optional<String> agentOf(ClusterChange change) {
        if (change instanceof ClusterChange.Report r) {
            return Optional.of(r.agentId());
        } else if (change instanceof ClusterChange.Plan p) {
            return Optional.of(p.agentId());
        } else if (change instanceof ClusterChange.Row r) {
            return Optional.of(r.agentId());
        }
        return Optional.empty();
    }

    private void failed(long watching, Throwable error) {
        synchronized (this) {
            if (watching != generation || closed) {
                return;
            }
        }
        LOG.warn("etcd watch ended, reading the cluster again error={}", error.getMessage());
        resyncs.execute(this::resyncOrRetry);
    }

    private void resyncOrRetry() {
        try {
            resync();
            retry = FIRST_RETRY;
            failureLog.succeeded();
        } catch (RuntimeException e) {
            if (resyncs.isShutdown()) {
                return;
            }
            failureLog.failed(Level.WARN, "cannot read the cluster from etcd, retrying in=" + retry.toMillis() + "ms", e);
            resyncs.schedule(this::resyncOrRetry, retry.toMillis(), TimeUnit.MILLISECONDS);
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    private void stopWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            stopWatch();
            notifyAll();
        }
        resyncs.shutdownNow();
    }
}
