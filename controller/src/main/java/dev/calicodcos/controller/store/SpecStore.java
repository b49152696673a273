package dev.calicodcos.controller.store;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The spec key of one cluster. Content is stored as the user wrote it (YAML or JSON, comments
 * kept), so {@code etcdctl get} shows their file; readers parse it with {@code SpecReader}.
 */
public final class SpecStore {
    private final KvStore kv;
    private final ClusterKeys keys;

    public SpecStore(KvStore kv, ClusterKeys keys) {
        this.kv = kv;
        this.keys = keys;
    }

    public Optional<Versioned> get() {
        return kv.get(keys.spec());
    }

    public Optional<Versioned> status() {
        return kv.get(keys.status());
    }

    /** Writes {@code content} if the spec is still at {@code expectedModRevision} (0: still absent). */
    public OptionalLong putIfUnchanged(byte[] content, long expectedModRevision) {
        return kv.putIfUnchanged(keys.spec(), content, expectedModRevision);
    }

    public ClusterKeys keys() {
        return keys;
    }
}
