package dev.calicodcos.controller.election;

import dev.calicodcos.kvstore.KvStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Campaigns in etcd's election API under a lease. While elected, {@link #fence()} names the
 * election key and its create revision; every leader write compares it in the same transaction, so
 * a deposed leader's writes fail even before it notices.
 *
 * <p>The lease is renewed every half second, each renewal a request of its own, and a failed one
 * is simply followed by the next while the lease still has time left: under load etcd answers
 * "request timed out" now and then, and ending leadership at the first such answer made a
 * 10,000-agent rollout change leader 22 times in 15 minutes, each change a full re-plan. Leadership
 * ends when etcd says the lease is gone, or locally when no renewal sent within the lease's TTL less
 * a margin was answered: counted from when the renewal was sent, so the replica stops before etcd
 * can expire the lease and elect another however slowly etcd answers. Then the replica campaigns
 * again with a new lease. A campaign won on a lease the keeper already gave up (etcd answered too
 * slowly meanwhile) is resigned at once, not led for an instant.
 */
public final class EtcdLeaderElection implements Leadership, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaderElection.class);
    /** A renewal every half second: a lease of a few seconds survives a few slow or lost ones. */
    private static final Duration RENEW_EVERY = Duration.ofMillis(500);

    private final Client client;
    private final ByteSequence electionName;
    private final ByteSequence identity;
    private final Duration leaseTtl;
    private volatile Runnable onChange = () -> { };
    private final AtomicReference<KvStore.Fence> fence = new AtomicReference<>();
    private final Thread campaigner;
    private volatile boolean closed;
    private volatile CountDownLatch leadershipEnded = new CountDownLatch(1);
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lease-keeper");
        t.setDaemon(true);
        return t;
    });

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
            LeaseKeeper keepAlive = null;
            try {
                long askedAt = System.nanoTime();
                long lease = client.getLeaseClient().grant(leaseTtl.toSeconds()).get(10, TimeUnit.SECONDS).getID();
                keepAlive = new LeaseKeeper(lease, askedAt);
                CampaignResponse won = client.getElectionClient().campaign(electionName, lease, identity).get();
                LeaderKey key = won.getLeader();
                if (leadershipEnded.getCount() == 0) {
                    // The keeper gave this lease up while the campaign waited (etcd answered too slowly):
                    // leading on it would end at once, a change of leader for nothing. Start over.
                    LOG.info("won the election on a lease no longer renewed; campaigning again with a new lease");
                    resign(key);
                    continue;
                }
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

    /**
     * Keeps one lease alive: asks etcd to renew it every {@link #RENEW_EVERY}, each renewal on its own,
     * so a slow or failed one does not hold up the next. The local deadline counts from when a renewal
     * was sent, not from when its answer came: etcd renewed the lease somewhere in between, so however
     * late the answer, the deadline falls before etcd can expire the lease. Ends leadership when etcd
     * says the lease is gone or the deadline passes.
     */
    private final class LeaseKeeper implements AutoCloseable {
        private final long lease;
        private final ScheduledFuture<?> renewals;
        private final ScheduledFuture<?> deadlineCheck;
        private volatile long deadlineNanos;
        private volatile String lastError = "none";
        private volatile boolean failing;
        private volatile boolean done;

        /** @param askedAt when the lease was asked for ({@link System#nanoTime}): etcd granted it after that */
        LeaseKeeper(long lease, long askedAt) {
            this.lease = lease;
            this.deadlineNanos = deadline(askedAt, leaseTtl);
            renewals = keeper.scheduleWithFixedDelay(this::renew, 0, RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            deadlineCheck = keeper.scheduleWithFixedDelay(this::checkDeadline, 200, 200, TimeUnit.MILLISECONDS);
        }

        /** The local deadline: the TTL from {@code sentAt}, less a margin so this replica stops before etcd could elect another. */
        private static long deadline(long sentAt, Duration ttl) {
            Duration margin = ttl.dividedBy(5).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : ttl.dividedBy(5);
            return sentAt + ttl.minus(margin).toNanos();
        }

        private synchronized void renewedFor(long sentAt, Duration ttl) {
            long deadline = deadline(sentAt, ttl);
            if (deadline - deadlineNanos > 0) {
                deadlineNanos = deadline; // answers may come out of order: the newest renewal counts
            }
        }

        private void renew() {
            if (done) {
                return;
            }
            long sentAt = System.nanoTime();
            try {
                client.getLeaseClient().keepAliveOnce(lease).orTimeout(leaseTtl.toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((answer, error) -> {
                            if (error == null) {
                                renewed(sentAt, answer);
                            } else {
                                failed(error);
                            }
                        });
            } catch (RuntimeException e) {
                failed(e); // the client is closing: a throw here would end the schedule without a word
            }
        }

        private void renewed(long sentAt, LeaseKeepAliveResponse answer) {
            if (answer.getTTL() <= 0) {
                end("lease expired");
                return;
            }
            renewedFor(sentAt, Duration.ofSeconds(answer.getTTL()));
            if (failing) {
                failing = false;
                LOG.info("lease keep-alive renewed again");
            }
        }

        private void failed(Throwable error) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
                end("lease expired");
                return;
            }
            lastError = String.valueOf(cause.getMessage());
            if (!failing && !done && !closed) {
                failing = true; // said once per streak of failures, not every renewal
                LOG.info("lease keep-alive failed, retrying while the lease lasts error={}", lastError);
            }
        }

        private void checkDeadline() {
            if (System.nanoTime() - deadlineNanos > 0) {
                end("lease not renewed for its TTL (last error: " + lastError + ")");
            }
        }

        private void end(String why) {
            done = true;
            KvStore.Fence current = fence.getAndSet(null);
            if (current != null) {
                LOG.warn("leadership lost reason={}", why);
                onChange.run();
            }
            leadershipEnded.countDown();
        }

        @Override
        public void close() {
            done = true;
            renewals.cancel(false);
            deadlineCheck.cancel(false);
        }
    }

    @Override
    public void close() {
        closed = true;
        KvStore.Fence current = fence.getAndSet(null);
        leadershipEnded.countDown();
        campaigner.interrupt();
        keeper.shutdownNow();
        if (current != null) {
            onChange.run();
        }
    }
}
