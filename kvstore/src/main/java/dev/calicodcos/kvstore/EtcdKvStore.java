package dev.calicodcos.kvstore;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link KvStore} on jetcd. Library exceptions become {@link StoreException} here and nowhere else.
 * Closing it closes the client.
 */
public final class EtcdKvStore implements KvStore {
    private final Client client;
    private final Duration timeout;

    public EtcdKvStore(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public Optional<Versioned> get(String key) {
        GetResponse response = await(client.getKVClient().get(bytes(key)), "read " + key);
        return response.getKvs().stream().findFirst().map(EtcdKvStore::versioned);
    }

    @Override
    public SortedMap<String, Versioned> list(String prefix) {
        ByteSequence p = bytes(prefix);
        GetResponse response = await(client.getKVClient().get(p, GetOption.builder().isPrefix(true).build()), "list " + prefix);
        SortedMap<String, Versioned> out = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8), versioned(kv));
        }
        return out;
    }

    @Override
    public Page page(String prefix, String afterKey, int limit, long revision) {
        ByteSequence from = bytes(afterKey == null ? prefix : afterKey + "\0");
        GetOption option = GetOption.builder().withRange(OptionsUtil.prefixEndOf(bytes(prefix)))
                .withLimit(limit).withRevision(revision).build();
        GetResponse response = await(client.getKVClient().get(from, option), "list " + prefix);
        SortedMap<String, Versioned> out = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8), versioned(kv));
        }
        return new Page(out, response.isMore(), response.getHeader().getRevision());
    }

    @Override
    public OptionalLong commit(Fence fence, List<Write> writes) {
        Op[] ops = writes.stream().map(EtcdKvStore::op).toArray(Op[]::new);
        TxnResponse response = await(client.getKVClient().txn()
                .If(new Cmp(bytes(fence.key()), Cmp.Op.EQUAL, CmpTarget.createRevision(fence.createRevision())))
                .Then(ops)
                .commit(), "write " + writes.size() + " keys as leader");
        return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
    }

    @Override
    public OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision) {
        ByteSequence k = bytes(key);
        Cmp unchanged = expectedModRevision == 0
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        TxnResponse response = await(client.getKVClient().txn()
                .If(unchanged)
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), "write " + key);
        return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
    }

    @Override
    public Watch watchPrefix(String prefix, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        return watch(prefix, WatchOption.builder().isPrefix(true).withRevision(fromRevision).build(), onChanges, onError);
    }

    @Override
    public Watch watchKey(String key, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        return watch(key, WatchOption.builder().withRevision(fromRevision).build(), onChanges, onError);
    }

    private Watch watch(String key, WatchOption option, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        io.etcd.jetcd.Watch.Watcher watcher = client.getWatchClient().watch(bytes(key), option,
                io.etcd.jetcd.Watch.listener(response -> {
                    List<Change> changes = response.getEvents().stream().map(EtcdKvStore::change).toList();
                    if (!changes.isEmpty()) {
                        onChanges.accept(changes);
                    }
                }, onError));
        return watcher::close;
    }

    private static Change change(WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        return new Change(kv.getKey().toString(StandardCharsets.UTF_8),
                event.getEventType() == WatchEvent.EventType.DELETE ? Optional.empty() : Optional.of(versioned(kv)),
                kv.getModRevision());
    }

    @Override
    public Lease grantLease(Duration ttl, Runnable onLost) {
        long id = await(client.getLeaseClient().grant(ttl.toSeconds()), "grant a lease of " + ttl.toSeconds() + "s").getID();
        return new EtcdLease(id, onLost);
    }

    @Override
    public long put(String key, byte[] value, Lease lease) {
        if (!(lease instanceof EtcdLease etcdLease)) {
            throw new IllegalArgumentException("not a lease of this store: " + lease);
        }
        return await(client.getKVClient().put(bytes(key), ByteSequence.from(value), PutOption.builder().withLeaseId(etcdLease.id).build()),
                "write " + key).getHeader().getRevision();
    }

    /**
     * jetcd renews the lease (a third of its TTL apart) and ends the stream when etcd no longer has it
     * or no renewal got through for a whole TTL: either end makes it lost. A broken stream (etcd
     * restarted, a connection reset) is not: jetcd opens a new one and renews on it, and etcd gives
     * every lease a fresh TTL when it starts, so the keys stay.
     */
    private final class EtcdLease implements Lease {
        private final long id;
        private final Runnable onLost;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final CloseableClient keepAlive;
        private volatile boolean lost;

        EtcdLease(long id, Runnable onLost) {
            this.id = id;
            this.onLost = onLost;
            this.keepAlive = client.getLeaseClient().keepAlive(id, new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse response) {
                    // renewed
                }

                @Override
                public void onError(Throwable t) {
                    if (t instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
                        lose();
                    }
                }

                @Override
                public void onCompleted() {
                    lose();
                }
            });
        }

        private void lose() {
            if (ended.compareAndSet(false, true)) {
                lost = true;
                onLost.run();
            }
        }

        @Override
        public boolean lost() {
            return lost;
        }

        @Override
        public void close() {
            keepAlive.close();
            if (ended.compareAndSet(false, true)) {
                await(client.getLeaseClient().revoke(id), "revoke lease " + Long.toHexString(id));
            }
        }

        @Override
        public String toString() {
            return "lease " + Long.toHexString(id);
        }
    }

    @Override
    public long revision() {
        return await(client.getKVClient().get(bytes("\0")), "read the current revision").getHeader().getRevision();
    }

    @Override
    public List<String> alarms() {
        return await(client.getMaintenanceClient().listAlarms(), "list etcd's alarms").getAlarms().stream()
                .filter(a -> a.getAlarmType() != AlarmType.NONE)
                .map(a -> a.getAlarmType() + " on member " + Long.toHexString(a.getMemberId()))
                .sorted().toList();
    }

    @Override
    public void close() {
        client.close();
    }

    private static Op op(Write write) {
        if (write instanceof Put put) {
            return Op.put(bytes(put.key()), ByteSequence.from(put.value()), PutOption.DEFAULT);
        }
        return Op.delete(bytes(write.key()), DeleteOption.DEFAULT);
    }

    private static Versioned versioned(KeyValue kv) {
        return new Versioned(kv.getValue().getBytes(), kv.getModRevision(), kv.getCreateRevision());
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException("etcd did not answer within " + timeout.toSeconds() + "s to " + what, e);
        } catch (ExecutionException e) {
            throw new StoreException("etcd refused to " + what + ": " + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for etcd to " + what, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
