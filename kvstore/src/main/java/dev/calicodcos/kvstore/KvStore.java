package dev.calicodcos.kvstore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * Everything calico-dcos needs from etcd's key space, and nothing else: the controller's reads,
 * fenced writes and prefix watches, and the node agent's one-key watch and leased report. Every
 * call has a timeout and fails with {@link StoreException}.
 */
public interface KvStore extends AutoCloseable {

    Optional<Versioned> get(String key);

    /** Every key under {@code prefix}, sorted, in one answer: for small prefixes (the CLI's {@code get}). */
    SortedMap<String, Versioned> list(String prefix);

    /**
     * At most {@code limit} keys under {@code prefix} after {@code afterKey} (null: from the start),
     * as of {@code revision} (0: the current one). Paging keeps every answer far below gRPC's message
     * limit whatever the cluster's size; reading every page at the first page's revision gives one
     * consistent snapshot.
     */
    Page page(String prefix, String afterKey, int limit, long revision);

    /**
     * Writes {@code value} only if the key's mod revision is still {@code expectedModRevision}
     * ({@code 0}: only if the key does not exist). Returns the new revision, or empty when someone
     * else wrote first.
     */
    OptionalLong putIfUnchanged(String key, byte[] value, long expectedModRevision);

    /**
     * Applies {@code writes} atomically, only while {@code fence} holds (the writer is still the
     * leader). Returns the revision it wrote at, or empty, writing nothing, when the fence failed.
     */
    OptionalLong commit(Fence fence, List<Write> writes);

    /**
     * Calls {@code onChanges} with every change under {@code prefix} after {@code fromRevision}, in
     * revision order, one call per etcd answer. After {@code onError} (compaction past
     * {@code fromRevision}, connection loss) nothing more arrives: the caller re-reads and watches again.
     */
    Watch watchPrefix(String prefix, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError);

    /** As {@link #watchPrefix}, for {@code key} alone (no key that merely starts with it). */
    Watch watchKey(String key, long fromRevision, Consumer<List<Change>> onChanges, Consumer<Throwable> onError);

    /**
     * Grants a lease of {@code ttl} and keeps it alive until {@link Lease#close()}. Keys written under
     * it are deleted when it ends: at once when closed, or {@code ttl} after it could last be renewed
     * (this process died or lost etcd). {@code onLost} runs once when renewing fails for good; the
     * lease is then {@link Lease#lost()} and the caller grants a new one and writes its keys again.
     */
    Lease grantLease(Duration ttl, Runnable onLost);

    /** Writes {@code value}, bound to {@code lease}: the key goes when the lease ends. Returns the revision written at. */
    long put(String key, byte[] value, Lease lease);

    /** The cluster's current revision. */
    long revision();

    /**
     * The alarms etcd has raised ({@code NOSPACE}, {@code CORRUPT}), one per member and kind, e.g.
     * "NOSPACE on member 8e9e05c52164694d". While one is raised etcd refuses writes; reads go on.
     */
    List<String> alarms();

    @Override
    void close();

    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** A lease from {@link #grantLease}, kept alive until closed or lost. */
    interface Lease extends AutoCloseable {
        /** Renewing failed for good: the keys under this lease are gone, or go when its TTL runs out. */
        boolean lost();

        /**
         * Stops renewing and revokes the lease, so its keys go at once; a lost lease is left to expire.
         *
         * @throws StoreException when etcd does not take the revocation (the keys then go after the TTL)
         */
        @Override
        void close();
    }

    /** One page of a prefix read: {@code more} when keys after the last one remain. */
    record Page(SortedMap<String, Versioned> entries, boolean more, long revision) {}

    /** A key's new value at {@code revision}, or its deletion (empty value). */
    record Change(String key, Optional<Versioned> value, long revision) {}

    /** A condition a fenced write depends on: {@code key} still exists with this create revision. */
    record Fence(String key, long createRevision) {}

    sealed interface Write {
        String key();
    }

    record Put(String key, byte[] value) implements Write {}

    record Delete(String key) implements Write {}
}
