package dev.calicodcos.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.testkit.ForwardingKvStore;
import dev.calicodcos.testkit.InMemoryKvStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final ClusterKeys keys = new ClusterKeys("/test", "default");
    private final ClusterDocuments documents = new ClusterDocuments(keys, new SpecCodec());
    private final InMemoryKvStore kv = new InMemoryKvStore();
    private final AtomicInteger passesAsked = new AtomicInteger();
    private ClusterView view;

    @AfterEach
    void close() {
        if (view != null) {
            view.close();
        }
    }

    private ClusterView started(KvStore store) {
        view = new ClusterView(new ClusterStore(store, documents), passesAsked::incrementAndGet);
        view.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> passesAsked.get() > 0);
        return view;
    }

    private long report(String agent, long specRevision) {
        AgentReport report = new AgentReport(agent, "0.1.0", specRevision, null, List.of(), Map.of(), T0);
        return kv.put(keys.report(agent), documents.encode(report));
    }

    @Test
    void passesReadTheViewWithoutAnEtcdRequest() {
        report("a1", 5);
        started(kv);
        int readsAfterStart = kv.reads();

        report("a2", 5);
        kv.put(keys.spec(), "spec: {}".getBytes(StandardCharsets.UTF_8));

        ClusterSnapshot snapshot = view.snapshot();
        assertThat(snapshot.reports()).containsOnlyKeys("a1", "a2");
        assertThat(snapshot.spec()).isPresent();
        assertThat(snapshot.revision()).isEqualTo(kv.revision());
        assertThat(kv.reads()).isEqualTo(readsAfterStart);
    }

    @Test
    void readsALargeClusterInPagesAtOneRevisionAndWatchesFromThere() {
        IntStream.range(0, 2 * ClusterStore.PAGE_SIZE + 50).forEach(i -> report("agent-" + i, 5));
        AtomicInteger pages = new AtomicInteger();
        KvStore writesBetweenPages = new ForwardingKvStore(kv) {
            @Override
            public Page page(String prefix, String afterKey, int limit, long revision) {
                if (pages.incrementAndGet() == 2) {
                    report("late", 6); // lands after the snapshot's revision: the watch brings it
                }
                return super.page(prefix, afterKey, limit, revision);
            }
        };

        started(writesBetweenPages);

        assertThat(pages.get()).isEqualTo(3);
        assertThat(view.snapshot().reports()).hasSize(2 * ClusterStore.PAGE_SIZE + 51).containsKey("late");
    }

    @Test
    void aWatchThatEndsIsFollowedByANewSnapshotThatMissesNothing() {
        started(kv);
        kv.breakWatches(new StoreException("connection reset", null));
        report("written-while-not-watching", 5);

        await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().reports().containsKey("written-while-not-watching"));
        report("after", 5);
        assertThat(view.snapshot().reports()).containsKey("after");
    }

    @Test
    void aCompactionPastTheWatchIsRecoveredFromANewSnapshot() {
        started(kv);
        kv.breakWatches(new StoreException("etcd compacted past the watch", null));
        long written = report("missed-by-the-watch", 5);
        kv.compact(written);
        kv.delete(keys.report("missed-by-the-watch"));
        report("kept", 5);

        await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().reports().containsKey("kept"));
        assertThat(view.snapshot().reports()).doesNotContainKey("missed-by-the-watch");
        assertThat(view.snapshot().revision()).isEqualTo(kv.revision());
    }

    @Test
    void onlyTheSpecTheControlKeyAndReportsAskForAPass() {
        started(kv);
        int before = passesAsked.get();

        kv.put(keys.plan("a1"), "{}".getBytes(StandardCharsets.UTF_8));
        kv.put(keys.status(), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(passesAsked.get()).as("the leader's own writes").isEqualTo(before);

        kv.put(keys.spec(), "spec: {}".getBytes(StandardCharsets.UTF_8));
        kv.put(keys.control(), "{\"paused\":true}".getBytes(StandardCharsets.UTF_8));
        report("a1", 5);
        assertThat(passesAsked.get()).isEqualTo(before + 3);
    }

    @Test
    void aReadIsToldWhichAgentsChangedSinceTheLastReadAndAfterAResyncThatAnyMayHave() {
        started(kv);
        assertThat(view.read((documents, c) -> c).resynced()).as("the first read follows the first snapshot").isTrue();

        report("a1", 5);
        kv.put(keys.plan("a2"), "{}".getBytes(StandardCharsets.UTF_8));
        kv.put(keys.spec(), "spec: {}".getBytes(StandardCharsets.UTF_8));
        ClusterView.Changes changes = view.read((documents, c) -> c);
        assertThat(changes.resynced()).isFalse();
        assertThat(changes.agents()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(view.read((documents, c) -> c).agents()).as("each change is told once").isEmpty();

        kv.breakWatches(new StoreException("connection reset", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshotsRead() > 1);
        assertThat(view.read((documents, c) -> c).resynced()).isTrue();
    }

    @Test
    void anUnreadableDocumentReadsAsAbsent() {
        started(kv);
        report("a1", 5);

        kv.put(keys.report("a1"), "not json".getBytes(StandardCharsets.UTF_8));

        assertThat(view.snapshot().reports()).doesNotContainKey("a1");
    }

    @Test
    void waitingForAnOwnWriteEndsWhenTheWatchBringsItAndFailsWhenItDoesNot() throws InterruptedException {
        started(kv);
        long own = report("a1", 5);
        assertThat(view.awaitRevision(own, Duration.ofSeconds(1))).isTrue();

        KvStore unreachable = new ForwardingKvStore(kv) {
            @Override
            public Page page(String prefix, String afterKey, int limit, long revision) {
                throw new StoreException("etcd did not answer", null);
            }
        };
        view.close();
        view = new ClusterView(new ClusterStore(unreachable, documents), () -> { });
        view.start();
        assertThat(view.awaitRevision(1, Duration.ofMillis(200))).as("never synced").isFalse();
    }
}
