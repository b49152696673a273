package dev.calicodcos.testkit;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.kvstore.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The in-memory twin of {@code EtcdKvStore} for unit tests: one revision counter, every change kept
 * (so reads at a past revision and watches from one work as in etcd), watches called on the writing
 * thread in revision order, leases that live until closed or {@linkplain #expire expired} (no clock:
 * a test ends them), and the faults a view must survive: {@link #compact} and {@link #breakWatches}.
 */
public final class InMemoryKvStore implements KvStore {
    private final List<Change> history = new ArrayList<>();
    private final List<Watcher> watchers = new ArrayList<>();
    private final List<Fence> deposed = new ArrayList<>();
    /** The lease each leased key was last written under; a write without one unbinds the key, as in etcd. */
    private final Map<String, MemoryLease> leased = new HashMap<>();
    private long revision = 1; // etcd starts at 1
    private long compacted;
    private long leases;
    private int reads;

    private record Watcher(Predicate<String> keys, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {}

    @Override
    public synchronized Optional<Versioned> get(String key) {
        reads++;
        return Optional.ofNullable(state(revision).get(key));
    }

    @Override
    public synchronized SortedMap<String, Versioned> list(String prefix) {
        reads++;
        return new TreeMap<>(state(revision).subMap(prefix, prefix + Character.MAX_VALUE));
    }

    @Override
    public synchronized Page page(String prefix, String afterKey, int limit, long atRevision) {
        reads++;
        long at = atRevision == 0 ? revision : atRevision;
        if (at <= compacted) {
            throw new StoreException("etcd refused to list " + prefix + ": required revision has been compacted", null);
        }
        SortedMap<String, Versioned> all = state(at).subMap(afterKey == null ? prefix : afterKey + "\0", prefix + Character.MAX_VALUE);
        SortedMap<String, Versioned> page = new TreeMap<>();
        Iterator<String> keys = all.keySet().iterator();
        while (keys.hasNext() && page.size() < limit) {
            String key = keys.next();
            page.put(key, all.get(key));
        }
        return new Page(page, all.size() > page.size(), at);
    }

    @Override
    public synchronized OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision) {
        Versioned current = state(revision).get(key);
        long actual = current == null ? 0 : current.modRevision();
        if (actual != expectedModRevision) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(apply(List.of(new Put(key, value))));
    }

    /** Every fence holds from now on except {@code fence}: a leader that lost its election. */
    public synchronized void depose(Fence fence) {
        deposed.add(fence);
    }

    @Override
    public synchronized OptionalLong commit(Fence fence, List<Write> writes) {
        if (deposed.contains(fence)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(apply(writes));
    }

    public synchronized long put(String key, byte[] value) {
        return apply(List.of(new Put(key, value)));
    }

    public synchronized long delete(String key) {
        return apply(List.of(new Delete(key)));
    }

    @Override
    public synchronized Watch watchPrefix(String prefix, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        return watch(key -> key.startsWith(prefix), fromRevision, onChanges, onError);
    }

    @Override
    public synchronized Watch watchKey(String key, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        return watch(key::equals, fromRevision, onChanges, onError);
    }

    private Watch watch(Predicate<String> keys, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        Watcher watcher = new Watcher(keys, onChanges, onError);
        if (fromRevision <= compacted) {
            onError.accept(new StoreException("etcd compacted past revision " + fromRevision, null));
            return () -> { };
        }
        List<Change> missed = history.stream().filter(c -> c.revision() >= fromRevision && keys.test(c.key())).toList();
        if (!missed.isEmpty()) {
            onChanges.accept(missed);
        }
        watchers.add(watcher);
        return () -> {
            synchronized (this) {
                watchers.remove(watcher);
            }
        };
    }

    @Override
    public synchronized MemoryLease grantLease(Duration ttl, Runnable onLost) {
        return new MemoryLease(++leases, ttl, onLost);
    }

    @Override
    public synchronized long put(String key, byte[] value, Lease lease) {
        if (!(lease instanceof MemoryLease memory) || memory.ended) {
            throw new StoreException("etcd refused to write " + key + ": requested lease not found", null);
        }
        long at = apply(List.of(new Put(key, value)));
        leased.put(key, memory);
        return at;
    }

    /** The lease {@code key} was written under, if it was. */
    public synchronized Optional<MemoryLease> leaseOf(String key) {
        return Optional.ofNullable(leased.get(key));
    }

    /**
     * Ends {@code lease} as etcd does when its holder stopped renewing it for a whole TTL: its keys
     * are deleted in one revision (watches see the deletions), then its holder's {@code onLost} runs.
     */
    public synchronized void expire(Lease lease) {
        MemoryLease memory = (MemoryLease) lease;
        if (memory.end()) {
            memory.lost = true;
            memory.onLost.run();
        }
    }

    /** {@link #expire} of the lease {@code key} was written under. */
    public synchronized void expireLeaseOf(String key) {
        expire(leaseOf(key).orElseThrow(() -> new IllegalStateException(key + " was not written under a lease")));
    }

    /** Forgets history up to {@code atRevision}: watches and reads from before it fail, as after etcd's compaction. */
    public synchronized void compact(long atRevision) {
        compacted = atRevision;
    }

    /** Ends every watch with {@code error}, as a lost connection or a compaction does. */
    public synchronized void breakWatches(Throwable error) {
        List<Watcher> broken = List.copyOf(watchers);
        watchers.clear();
        broken.forEach(w -> w.onError().accept(error));
    }

    @Override
    public synchronized long revision() {
        return revision;
    }

    @Override
    public List<String> alarms() {
        return List.of();
    }

    /** Requests that read keys (get, list, page): a view must not need any per pass. */
    public synchronized int reads() {
        return reads;
    }

    @Override
    public void close() {
    }

    /** A lease of this store. */
    public final class MemoryLease implements Lease {
        private final long id;
        private final Duration ttl;
        private final Runnable onLost;
        private boolean ended;
        private volatile boolean lost;

        private MemoryLease(long id, Duration ttl, Runnable onLost) {
            this.id = id;
            this.ttl = ttl;
            this.onLost = onLost;
        }

        /** The TTL it was granted with. */
        public Duration ttl() {
            return ttl;
        }

        @Override
        public boolean lost() {
            return lost;
        }

        @Override
        public void close() {
            synchronized (InMemoryKvStore.this) {
                end();
            }
        }

        /** Deletes its keys, once; false when it had already ended. */
        private boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
            List<Write> deletes = leased.entrySet().stream().filter(e -> e.getValue() == this)
                    .<Write>map(e -> new Delete(e.getKey())).sorted(Comparator.comparing(Write::key)).toList();
            if (!deletes.isEmpty()) {
                apply(deletes);
            }
            return true;
        }

        @Override
        public String toString() {
            return "lease " + id;
        }
    }

    private long apply(List<Write> writes) {
        revision++;
        List<Change> changes = new ArrayList<>();
        TreeMap<String, Versioned> before = state(revision - 1);
        for (Write write : writes) {
            Versioned old = before.get(write.key());
            Optional<Versioned> value = write instanceof Put put
                    ? Optional.of(new Versioned(put.value(), revision, old == null ? revision : old.createRevision()))
                    : Optional.empty();
            changes.add(new Change(write.key(), value, revision));
            leased.remove(write.key());
        }
        history.addAll(changes);
        for (Watcher w : List.copyOf(watchers)) {
            List<Change> seen = changes.stream().filter(c -> w.keys().test(c.key())).toList();
            if (!seen.isEmpty()) {
                w.onChanges().accept(seen);
            }
        }
        return revision;
    }

    private TreeMap<String, Versioned> state(long at) {
        TreeMap<String, Versioned> state = new TreeMap<>();
        for (Change c : history) {
            if (c.revision() > at) {
                break;
            }
            c.value().ifPresentOrElse(v -> state.put(c.key(), v), () -> state.remove(c.key()));
        }
        return state;
    }
}
