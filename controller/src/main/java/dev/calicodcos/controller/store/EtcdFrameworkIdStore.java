package dev.calicodcos.controller.store;

import dev.calicodcos.controller.mesos.FrameworkIdStore;
import dev.calicodcos.kvstore.KvStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Mesos framework ID at {@code <prefix>/controller/framework-id}, so a new leader re-subscribes as
 * the same framework and keeps its running node agents. Writes are fenced by leadership.
 */
public final class EtcdFrameworkIdStore implements FrameworkIdStore {
    private final KvStore kv;
    private final String key;
    private final Supplier<Optional<KvStore.Fence>> fence;

    public EtcdFrameworkIdStore(KvStore kv, String key, Supplier<Optional<KvStore.Fence>> fence) {
        this.kv = kv;
        this.key = key;
        this.fence = fence;
    }

    @Override
    public Optional<String> load() {
        return kv.get(key).map(v -> new String(v.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void save(String frameworkId) {
        write(new KvStore.Put(key, frameworkId.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void clear() {
        write(new KvStore.Delete(key));
    }

    private void write(KvStore.Write write) {
        KvStore.Fence current = fence.get().orElseThrow(() -> new IllegalStateException("only the leader stores the framework id"));
        if (kv.commit(current, List.of(write)).isEmpty()) {
            throw new IllegalStateException("leadership lost while storing the framework id");
        }
    }
}
