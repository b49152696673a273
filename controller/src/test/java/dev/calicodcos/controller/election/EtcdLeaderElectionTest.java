package dev.calicodcos.controller.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The leader's lease against a real etcd, reached through a proxy the test cuts: a short cut is
 * ridden out, a long one ends leadership before etcd could expire the lease and elect another.
 */
@Tag("integration")
class EtcdLeaderElectionTest {
    private static final Duration TTL = Duration.ofSeconds(6);

    private final AtomicInteger changes = new AtomicInteger();
    private EtcdServer etcd;
    private TcpProxy proxy;
    private Client client;
    private EtcdLeaderElection election;

    @BeforeEach
    void elect() {
        etcd = EtcdServer.start();
        proxy = TcpProxy.to("127.0.0.1", etcd.clientPort());
        client = EtcdClients.connect(EtcdOptions.plain("http://127.0.0.1:" + proxy.port()));
        election = new EtcdLeaderElection(client, "/election-test/leader", "replica-1", TTL);
        election.start(changes::incrementAndGet);
        await().atMost(Duration.ofSeconds(30)).until(election::isLeader);
    }

    @AfterEach
    void stop() {
        election.close();
        client.close();
        proxy.close();
        etcd.close();
    }

    @Test
    void aConnectionCutForLessThanTheLeaseKeepsLeadershipAndRenewalsResume() {
        int before = changes.get();

        proxy.cut();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(election::isLeader);
        proxy.restore();

        await().during(TTL.plusSeconds(2)).atMost(TTL.plusSeconds(4)).alias("still leading after a whole TTL: renewed again")
                .until(election::isLeader);
        assertThat(changes.get()).as("leadership changes").isEqualTo(before);
    }

    @Test
    void aLeaseThatCannotBeRenewedEndsLeadershipBeforeEtcdCouldExpireIt() {
        long cutAt = System.nanoTime();
        proxy.cut();

        await().atMost(TTL.plusSeconds(5)).until(() -> !election.isLeader());
        Duration led = Duration.ofNanos(System.nanoTime() - cutAt);
        assertThat(led).as("time it kept leading after the cut").isLessThan(TTL);
    }
}
