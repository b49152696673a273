package dev.calicodcos.controller.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The leader's lease when etcd answers slowly: each answer comes 2.5 s after etcd renewed the
 * lease, more than the lease's margin (2 s at the default 10 s TTL). Leadership is kept, and when
 * the link then fails the leader stands down before etcd deletes its election key, as its deadline
 * counts from when it asked for each renewal, not from when the answer came.
 */
@Tag("integration")
class SlowEtcdElectionTest {
    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration SLOW = Duration.ofMillis(2500);
    private static final String ELECTION = "/slow-election/leader";

    /** When this replica stopped leading ({@link System#nanoTime}), each time. */
    private final List<Long> stoodDown = new CopyOnWriteArrayList<>();
    private final List<Long> keysDeleted = new CopyOnWriteArrayList<>();
    private EtcdServer etcd;
    private TcpProxy link;
    private Client client;
    private KvStore direct;
    private EtcdLeaderElection election;

    @BeforeEach
    void elect() {
        etcd = EtcdServer.start();
        link = TcpProxy.to("127.0.0.1", etcd.clientPort());
        client = EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + link.port()));
        direct = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        election = new EtcdLeaderElection(client, ELECTION, "replica-1", TTL);
        election.start(() -> {
            if (!election.isLeader()) {
                stoodDown.add(System.nanoTime());
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(election::isLeader);
        link.setLatency(SLOW);
    }

    @AfterEach
    void stop() {
        election.close();
        client.close();
        direct.close();
        link.close();
        etcd.close();
    }

    @Test
    void aLeaderWhoseEtcdAnswersEachRenewalFiveSecondsAfterItAskedKeepsLeading() {
        await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(3)).until(election::isLeader);

        assertThat(stoodDown).as("stand-downs while etcd answered slowly").isEmpty();
    }

    @Test
    void aLeaderCutOffAfterSlowAnswersStandsDownBeforeEtcdDeletesItsElectionKey() {
        await().during(TTL).atMost(TTL.multipliedBy(2)).until(election::isLeader); // every renewal answered now was a slow one
        KvStore.Watch watch = direct.watchPrefix(ELECTION, direct.revision() + 1,
                changes -> changes.stream().filter(c -> c.value().isEmpty()).forEach(c -> keysDeleted.add(System.nanoTime())), e -> { });

        long cutAt = System.nanoTime();
        link.cut();
        await().atMost(TTL.multipliedBy(3)).until(() -> !keysDeleted.isEmpty());
        watch.close();

        assertThat(stoodDown).as("stand-downs").hasSize(1);
        long down = stoodDown.get(0);
        long deleted = keysDeleted.get(0);
        System.out.printf("cut off after %d ms answers: stood down %d ms after the cut, etcd deleted the key %d ms after it%n",
                SLOW.multipliedBy(2).toMillis(), (down - cutAt) / 1_000_000, (deleted - cutAt) / 1_000_000);
        assertThat(down).as("stood down before etcd deleted the election key, when a standby could win").isLessThan(deleted);
    }
}
