package dev.calicodcos.controller.store;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.Consumer;

/** Everything calico-dcos needs from etcd's key space, and nothing else. Every call has a timeout. */
public interface KvStore extends AutoCloseable {

    Optional<Versioned> get(String key);

    /** Every key under {@code prefix}, sorted. */
    SortedMap<String, Versioned> list(String prefix);

    /**
     * Writes {@code value} only if the key's mod revision is still {@code expectedModRevision}
     * ({@code 0}: only if the key does not exist). Returns the new revision, or empty when someone
     * else wrote first.
     */
    OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision);

    /**
     * Applies {@code writes} atomically, only while {@code fence} holds (the writer is still the
     * leader). Returns false, writing nothing, when it does not.
     */
    boolean commit(Fence fence, List<Write> writes);

    /** Calls {@code onChange} with each new value of {@code key} (empty on delete) after {@code fromRevision}. */
    Watch watch(String key, long fromRevision, Consumer<Optional<Versioned>> onChange, Consumer<Throwable> onError);

    /** Calls {@code onChange} with the key of every change under {@code prefix} after {@code fromRevision}. */
    Watch watchPrefix(String prefix, long fromRevision, Consumer<String> onChange, Consumer<Throwable> onError);

    /** The cluster's current revision. */
    long revision();

    @Override
    void close();

    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** A condition a fenced write depends on: {@code key} still exists with this create revision. */
    record Fence(String key, long createRevision) {}

    sealed interface Write {
        String key();
    }

    record Put(String key, byte[] value) implements Write {}

    record Delete(String key) implements Write {}
}
