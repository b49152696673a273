package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import java.util.Optional;

/**
 * The latest value of one etcd key without a request per read: one read, then a watch from that
 * read's revision keeps the value (so no change between the two is missed). When the watch ends
 * (compaction, a lost connection jetcd gave up on), the next read reads the key again and watches
 * anew. {@code onChange} runs on every change and when the watch ends.
 *
 * <p>{@link #current()} is for one thread (the node agent's loop); the watch updates from the store's.
 * {@link #deletedAfter(long)} only looks at what was seen, so the watch's own callback may call it.
 */
final class WatchedKey implements AutoCloseable {
    private final KvStore store;
    private final String key;
    private final Runnable onChange;
    /** The value and the revision it was seen at, in one field so a reader never pairs one with the other's. */
    private volatile Seen seen = new Seen(Optional.empty(), 0);
    private volatile boolean watching;
    private volatile long generation;
    private KvStore.Watch watch;

    WatchedKey(KvStore store, String key, Runnable onChange) {
        this.store = store;
        this.key = key;
        this.onChange = onChange;
    }

    /** The key's value as last seen; reads it (and starts watching) only when no watch is running. */
    Optional<byte[]> current() {
        if (!watching) {
            readAndWatch();
        }
        return seen.value();
    }

    /**
     * Whether the key was last seen absent, at a revision after {@code revision} (a write of our own
     * there): someone deleted it since. Never reads; a value the watch has not caught up with yet is
     * older than the write and does not count.
     */
    boolean deletedAfter(long revision) {
        Seen now = seen;
        return now.value().isEmpty() && now.revision() > revision;
    }

    private void readAndWatch() {
        stopWatching();
        // A one-key page is a read that tells its revision: the key itself sorts first under its own prefix.
        KvStore.Page read = store.page(key, null, 1, 0);
        seen = new Seen(Optional.ofNullable(read.entries().get(key)).map(Versioned::value), read.revision());
        long mine = ++generation;
        watching = true;
        watch = store.watchKey(key, read.revision() + 1, changes -> {
            if (mine != generation) {
                return; // a watch this one replaced
            }
            for (KvStore.Change change : changes) {
                seen = new Seen(change.value().map(Versioned::value), change.revision());
            }
            onChange.run();
        }, error -> {
            if (mine == generation) {
                watching = false;
                onChange.run();
            }
        });
    }

    private void stopWatching() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private record Seen(Optional<byte[]> value, long revision) {}

    @Override
    public void close() {
        generation++;
        watching = false;
        stopWatching();
    }
}
