package dev.calicodcos.controller.store;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Times every etcd request by operation ({@code calico_dcos_etcd_request_duration_seconds{op=…}}). */
public final class MeteredKvStore implements KvStore {
    private final KvStore delegate;
    private final Timer get;
    private final Timer list;
    private final Timer page;
    private final Timer put;
    private final Timer commit;
    private final Timer revision;

    public MeteredKvStore(KvStore delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.get = timer(registry, "get");
        this.list = timer(registry, "list");
        this.page = timer(registry, "page");
        this.put = timer(registry, "put");
        this.commit = timer(registry, "commit");
        this.revision = timer(registry, "revision");
    }

    private static Timer timer(MeterRegistry registry, String op) {
        return Timer.builder("calico_dcos_etcd_request_duration").description("etcd requests by operation")
                .tag("op", op).register(registry);
    }

    private static <T> T time(Timer timer, Supplier<T> call) {
        return timer.record(call);
    }

    @Override
    public Optional<Versioned> get(String key) {
        return time(get, () -> delegate.get(key));
    }

    @Override
    public SortedMap<String, Versioned> list(String prefix) {
        return time(list, () -> delegate.list(prefix));
    }

    @Override
    public OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision) {
        return time(put, () -> delegate.putIfUnchanged(key, value, expectedModRevision));
    }

    @Override
    public Page page(String prefix, String afterKey, int limit, long revision) {
        return time(page, () -> delegate.page(prefix, afterKey, limit, revision));
    }

    @Override
    public OptionalLong commit(Fence fence, List<Write> writes) {
        return time(commit, () -> delegate.commit(fence, writes));
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
        return time(put, () -> delegate.put(key, value, lease));
    }

    @Override
    public long revision() {
        return time(revision, delegate::revision);
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
