package dev.calicodcos.testkit;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.Consumer;

/** Forwards every call to another store, so a test overrides only the one it changes. */
public class ForwardingKvStore implements KvStore {
    private final KvStore delegate;

    public ForwardingKvStore(KvStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Versioned> get(String key) {
        return delegate.get(key);
    }

    @Override
    public SortedMap<String, Versioned> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public Page page(String prefix, String afterKey, int limit, long revision) {
        return delegate.page(prefix, afterKey, limit, revision);
    }

    @Override
    public OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision) {
        return delegate.putIfUnchanged(key, value, expectedModRevision);
    }

    @Override
    public OptionalLong commit(Fence fence, List<Write> writes) {
        return delegate.commit(fence, writes);
    }

    @Override
    public Watch watchPrefix(String prefix, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        return delegate.watchPrefix(prefix, fromRevision, onChanges, onError);
    }

    @Override
    public Watch watchKey(String key, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError) {
        return delegate.watchKey(key, fromRevision, onChanges, onError);
    }

    @Override
    public Lease grantLease(Duration ttl, Runnable onLost) {
        return delegate.grantLease(ttl, onLost);
    }

    @Override
    public long put(String key, byte[] value, Lease lease) {
        return delegate.put(key, value, lease);
    }

    @Override
    public long revision() {
        return delegate.revision();
    }

    @Override
    public List<String> alarms() {
        return delegate.alarms();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
