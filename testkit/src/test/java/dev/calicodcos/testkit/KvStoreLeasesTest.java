package dev.calicodcos.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The port's leases and one-key watch on {@link EtcdKvStore} against a real etcd, and the same
 * behaviour of its twin {@link InMemoryKvStore}. (Here rather than in kvstore: kvstore's tests cannot
 * use testkit's etcd, since testkit depends on kvstore.)
 */
@Tag("integration")
class KvStoreLeasesTest {
    private static final Duration TTL = Duration.ofSeconds(5);
    private static EtcdServer etcd;

    private final List<KvStore> opened = new CopyOnWriteArrayList<>();
    private final AtomicInteger lostCalls = new AtomicInteger();
    private String prefix;

    @BeforeAll
    static void startEtcd() {
        assumeTrue(Executables.find("etcd").isPresent(), "etcd is not installed (apt-get install etcd-server)");
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void keysOfThisTest(TestInfo test) {
        prefix = "/leases/" + test.getDisplayName().replaceAll("\\W", "-") + "/";
    }

    @AfterEach
    void closeStores() {
        opened.forEach(KvStore::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "in-memory"})
    void closingALeaseDeletesItsKeysAtOnceAndAWatchOfTheKeySeesIt(String kind) {
        KvStore store = store(kind);
        KvStore.Lease lease = store.grantLease(TTL, lostCalls::incrementAndGet);
        store.put(prefix + "report", bytes("up"), lease);
        List<KvStore.Change> changes = watch(store, prefix + "report");

        lease.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> !changes.isEmpty());
        assertThat(changes).singleElement().extracting(KvStore.Change::value).isEqualTo(Optional.empty());
        assertThat(store.get(prefix + "report")).isEmpty();
        assertThat(lease.lost()).as("closed, not lost").isFalse();
        assertThat(lostCalls).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "in-memory"})
    void aWriteUnderAClosedLeaseIsRefused(String kind) {
        KvStore store = store(kind);
        KvStore.Lease lease = store.grantLease(TTL, lostCalls::incrementAndGet);
        lease.close();

        assertThatThrownBy(() -> store.put(prefix + "report", bytes("up"), lease)).isInstanceOf(StoreException.class)
                .hasMessageContaining("lease not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "in-memory"})
    void aPlainWriteTakesTheKeyOffItsLease(String kind) {
        KvStore store = store(kind);
        KvStore.Lease lease = store.grantLease(TTL, lostCalls::incrementAndGet);
        store.put(prefix + "key", bytes("leased"), lease);
        long modRevision = store.get(prefix + "key").orElseThrow().modRevision();
        assertThat(store.putIfUnchanged(prefix + "key", bytes("plain"), modRevision)).isPresent();

        lease.close();

        assertThat(store.get(prefix + "key")).get().extracting(v -> new String(v.value(), StandardCharsets.UTF_8)).isEqualTo("plain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "in-memory"})
    void aKeyWatchSeesThatKeyAloneNotTheKeysItIsAPrefixOf(String kind) {
        KvStore store = store(kind);
        List<KvStore.Change> changes = watch(store, prefix + "agent-S1");

        store.putIfUnchanged(prefix + "agent-S10", bytes("other"), 0);
        store.putIfUnchanged(prefix + "agent-S1", bytes("mine"), 0);

        await().atMost(Duration.ofSeconds(5)).until(() -> !changes.isEmpty());
        assertThat(changes).extracting(KvStore.Change::key).containsOnly(prefix + "agent-S1");
    }

    @Test
    void aLeaseThatCannotBeRenewedForItsTtlIsLostItsHolderToldAndItsKeysGoneThenANewOneWorks() {
        KvStore direct = store("etcd");
        try (TcpProxy proxy = TcpProxy.to("127.0.0.1", etcd.clientPort())) {
            KvStore throughProxy = open(new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + proxy.port())),
                    Duration.ofSeconds(5)));
            KvStore.Lease lease = throughProxy.grantLease(Duration.ofSeconds(2), lostCalls::incrementAndGet);
            throughProxy.put(prefix + "report", bytes("up"), lease);

            proxy.cut();

            await().atMost(Duration.ofSeconds(20)).until(lease::lost);
            assertThat(lostCalls).hasValue(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> direct.get(prefix + "report").isEmpty());

            proxy.restore();
            KvStore.Lease renewed = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> throughProxy.grantLease(Duration.ofSeconds(2), lostCalls::incrementAndGet), l -> true);
            throughProxy.put(prefix + "report", bytes("up again"), renewed);
            assertThat(direct.get(prefix + "report")).isPresent();
            lease.close(); // a lost lease is left to expire: nothing to revoke, no error
            renewed.close();
            assertThat(direct.get(prefix + "report")).isEmpty();
        }
    }

    @Test
    void aLeaseOutlivesAnEtcdRestartShorterThanItsTtlAndSoDoItsKeys() {
        KvStore store = store("etcd");
        KvStore.Lease lease = store.grantLease(Duration.ofSeconds(10), lostCalls::incrementAndGet);
        store.put(prefix + "report", bytes("up"), lease);
        List<KvStore.Change> changes = watch(store, prefix + "report");

        etcd.restart(); // the keep-alive stream breaks; jetcd opens a new one and renews again

        // Past the whole TTL after etcd is back: a lease renewed by the new stream keeps its key.
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
                .until(() -> !lease.lost() && changes.isEmpty() && store.get(prefix + "report").isPresent());
        assertThat(lostCalls).hasValue(0);
    }

    private KvStore store(String kind) {
        return open(kind.equals("etcd")
                ? new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5))
                : new InMemoryKvStore());
    }

    private KvStore open(KvStore store) {
        opened.add(store);
        return store;
    }

    private static List<KvStore.Change> watch(KvStore store, String key) {
        List<KvStore.Change> changes = new CopyOnWriteArrayList<>();
        store.watchKey(key, store.revision() + 1, changes::addAll, error -> { });
        return changes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
