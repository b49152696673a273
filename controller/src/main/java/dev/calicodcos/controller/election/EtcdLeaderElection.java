package dev.calicodcos.controller.election;

import dev.calicodcos.kvstore.KvStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Campaigns in etcd's election API under a lease. While elected, {@link #fence()} names the
 * election key and its create revision; every leader write compares it in the same transaction, so
 * a deposed leader's writes fail even before it notices. When the lease is lost (process paused,
 * network cut) leadership ends at once and the replica campaigns again with a new lease.
 */
public final class EtcdLeaderElection implements Leadership, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaderElection.class);

    private final Client client;
    private final ByteSequence electionName;
    private final ByteSequence identity;
    private final Duration leaseTtl;
    private volatile Runnable onChange = () -> { };
    private final AtomicReference<KvStore.Fence> fence = new AtomicReference<>();
    private final Thread campaigner;
    private volatile boolean closed;
    private volatile CountDownLatch leadershipEnded = new CountDownLatch(1);

    public EtcdLeaderElection(Client client, String electionName, String identity, Duration leaseTtl) {
        this.client = client;
        this.electionName = ByteSequence.from(electionName, StandardCharsets.UTF_8);
        this.identity = ByteSequence.from(identity, StandardCharsets.UTF_8);
        this.leaseTtl = leaseTtl;
        this.campaigner = new Thread(this::campaignForever, "leader-election");
        this.campaigner.setDaemon(true);
    }

    /** Campaigns from now on; {@code onChange} runs whenever this replica gains or loses leadership. */
    public void start(Runnable onChange) {
        this.onChange = onChange;
        campaigner.start();
    }

    @Override
    public Optional<KvStore.Fence> fence() {
        return Optional.ofNullable(fence.get());
    }

    public boolean isLeader() {
        return fence.get() != null;
    }

    @Override
    public void lost(KvStore.Fence stale) {
        if (fence.compareAndSet(stale, null)) {
            LOG.warn("leadership lost: a fenced write was refused");
            leadershipEnded.countDown();
            onChange.run();
        }
    }

    private void campaignForever() {
        while (!closed) {
            leadershipEnded = new CountDownLatch(1);
            CloseableClient keepAlive = null;
            try {
                long lease = client.getLeaseClient().grant(leaseTtl.toSeconds()).get(10, TimeUnit.SECONDS).getID();
                keepAlive = client.getLeaseClient().keepAlive(lease, new LeaseWatcher());
                CampaignResponse won = client.getElectionClient().campaign(electionName, lease, identity).get();
                LeaderKey key = won.getLeader();
                KvStore.Fence mine = new KvStore.Fence(key.getKey().toString(StandardCharsets.UTF_8), key.getRevision());
                fence.set(mine);
                LOG.info("elected leader key={} revision={}", mine.key(), mine.createRevision());
                onChange.run();
                leadershipEnded.await();
                resign(key);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!closed) {
                    LOG.warn("campaign failed, retrying error={}", e.getMessage());
                    pause(Duration.ofSeconds(1));
                }
            } finally {
                fence.set(null);
                if (keepAlive != null) {
                    keepAlive.close();
                }
            }
        }
    }

    private void resign(LeaderKey key) {
        try {
            client.getElectionClient().resign(key).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("resign failed (the lease expiry will end it) error={}", e.getMessage());
        }
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // back-off between failed campaigns on the campaign thread only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends leadership when the lease cannot be kept alive. */
    private final class LeaseWatcher implements StreamObserver<LeaseKeepAliveResponse> {
        @Override
        public void onNext(LeaseKeepAliveResponse value) {
            if (value.getTTL() <= 0) {
                end("lease expired");
            }
        }

        @Override
        public void onError(Throwable t) {
            end("lease keep-alive failed: " + t.getMessage());
        }

        @Override
        public void onCompleted() {
            end("lease keep-alive ended");
        }

        private void end(String why) {
            KvStore.Fence current = fence.getAndSet(null);
            if (current != null) {
                LOG.warn("leadership lost reason={}", why);
                onChange.run();
            }
            leadershipEnded.countDown();
        }
    }

    @Override
    public void close() {
        closed = true;
        KvStore.Fence current = fence.getAndSet(null);
        leadershipEnded.countDown();
        campaigner.interrupt();
        if (current != null) {
            onChange.run();
        }
    }
}
