package dev.calicodcos.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The view against a real etcd: it reads through a proxy the test can cut, while the test writes
 * directly, so the view misses changes exactly when the test says and must recover them.
 */
@Tag("integration")
class ClusterViewAgainstEtcdTest {
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    private final ClusterKeys keys = new ClusterKeys("/view-test", "default");
    /** Holds as long as no spec exists (create revision 0), which is the whole test: writes as anyone. */
    private final KvStore.Fence unfenced = new KvStore.Fence(keys.spec(), 0);
    private final ClusterDocuments documents = new ClusterDocuments(keys, new SpecCodec());
    private EtcdServer etcd;
    private TcpProxy proxy;
    private KvStore direct;
    private KvStore throughProxy;
    private ClusterView view;

    @BeforeEach
    void start() {
        etcd = EtcdServer.start();
        proxy = TcpProxy.to("127.0.0.1", etcd.clientPort());
        direct = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(10));
        throughProxy = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + proxy.port())), Duration.ofSeconds(5));
        view = new ClusterView(new ClusterStore(throughProxy, documents), () -> { });
        view.start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> view.snapshot() != null);
    }

    @AfterEach
    void stop() {
        view.close();
        throughProxy.close();
        direct.close();
        proxy.close();
        etcd.close();
    }

    private long report(String agent) {
        AgentReport report = new AgentReport(agent, "0.1.0", 5, null, List.of(), Map.of(), Instant.parse("2026-12-01T10:00:00Z"));
        return direct.commit(unfenced, List.of(new KvStore.Put(keys.report(agent), documents.encode(report))))
                .orElseThrow();
    }

    private void compact(long revision) throws InterruptedException, ExecutionException, TimeoutException {
        try (var client = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()))) {
            client.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void recoversFromACompactionPastItsWatchWithNothingMissed() throws Exception {
        report("before");
        await().atMost(RECOVERY).until(() -> view.snapshot().reports().containsKey("before"));
        long snapshots = view.snapshotsRead();

        proxy.cut();
        report("while-cut");
        direct.commit(unfenced, List.of(new KvStore.Delete(keys.report("before")))).orElseThrow();
        compact(report("last-while-cut"));
        proxy.restore();

        await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> {
            ClusterSnapshot seen = view.snapshot();
            assertThat(seen.reports()).containsOnlyKeys("while-cut", "last-while-cut");
            assertThat(seen.revision()).isEqualTo(direct.revision());
        });
        assertThat(view.snapshotsRead()).as("a new snapshot after the compaction").isGreaterThan(snapshots);
        report("after");
        await().atMost(RECOVERY).until(() -> view.snapshot().reports().containsKey("after"));
    }

    @Test
    void recoversFromAnEtcdRestartWithNothingMissed() {
        report("before");
        await().atMost(RECOVERY).until(() -> view.snapshot().reports().containsKey("before"));

        etcd.restart();
        report("after-restart");

        await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() ->
                assertThat(view.snapshot().reports()).containsOnlyKeys("before", "after-restart"));
    }
}
