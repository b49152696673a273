package dev.calicodcos.controller.store;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Everything calico-dcos needs from etcd's key space, and nothing else. Every call has a timeout. */
public interface KvStore extends AutoCloseable {

    Optional<Versioned> get(String key);

    /**
     * Writes {@code value} only if the key's mod revision is still {@code expectedModRevision}
     * ({@code 0}: only if the key does not exist). Returns the new revision, or empty when someone
     * else wrote first.
     */
    OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision);

    /** Calls {@code onChange} with each new value of {@code key} (empty on delete) after {@code fromRevision}. */
    Watch watch(String key, long fromRevision, Consumer<Optional<Versioned>> onChange, Consumer<Throwable> onError);

    /** The cluster's current revision. */
    long revision();

    @Override
    void close();

    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
