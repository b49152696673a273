package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.ForwardingKvStore;
import dev.calicodcos.testkit.TcpProxy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The node agent's watch on its plan against a real etcd: cut off while the key changes and etcd
 * compacts past the watch's revision, the watch ends (it never resumes from a compacted revision),
 * the node agent's loop is woken, and the next read reads the key again and watches anew from
 * there: the newest value, and the changes after it too.
 */
@Tag("integration")
class WatchedKeyAgainstEtcdTest {
    private static final String KEY = "/calico-dcos/v1/clusters/default/plans/agent-1";
    private EtcdServer etcd;
    private TcpProxy proxy;
    private Client direct;
    private KvStore throughProxy;
    private final AtomicInteger reads = new AtomicInteger();

    @BeforeEach
    void start() {
        etcd = EtcdServer.start();
        proxy = TcpProxy.to("127.0.0.1", etcd.clientPort());
        direct = EtcdClients.connect(EtcdOptions.plain(etcd.endpoint()));
        KvStore store = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + proxy.port())), Duration.ofSeconds(5));
        throughProxy = new ForwardingKvStore(store) {
            @Override
            public Page page(String prefix, String afterKey, int limit, long revision) {
                reads.incrementAndGet();
                return super.page(prefix, afterKey, limit, revision);
            }
        };
    }

    @AfterEach
    void stop() {
        throughProxy.close();
        direct.close();
        proxy.close();
        etcd.close();
    }

    @Test
    void aWatchCompactedPastItsRevisionWhileCutOffEndsAndTheNextReadReadsTheNewestValue() throws Exception {
        put("plan 1");
        AtomicInteger wakes = new AtomicInteger();
        try (WatchedKey plan = new WatchedKey(throughProxy, KEY, wakes::incrementAndGet)) {
            assertThat(text(plan.current())).isEqualTo("plan 1");
            put("plan 2");
            await().atMost(Duration.ofSeconds(30)).until(() -> text(plan.current()).equals("plan 2"));
            assertThat(reads).as("the change came by the watch, not a read").hasValue(1);

            int wakesBefore = wakes.get();
            proxy.cut();
            put("plan 3");
            long last = put("plan 4");
            direct.getKVClient().compact(last).get(10, TimeUnit.SECONDS);
            proxy.restore();

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> text(plan.current()).equals("plan 4"));
            assertThat(reads).as("read again once the compacted watch ended").hasValueGreaterThan(1);
            assertThat(wakes).as("the node agent's loop was woken when the watch ended").hasValueGreaterThan(wakesBefore);

            put("plan 5");
            await().atMost(Duration.ofSeconds(30)).until(() -> text(plan.current()).equals("plan 5"));
        }
    }

    private long put(String value) throws Exception {
        return direct.getKVClient().put(bytes(KEY), bytes(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String text(Optional<byte[]> value) {
        return value.map(v -> new String(v, StandardCharsets.UTF_8)).orElse("");
    }
}
