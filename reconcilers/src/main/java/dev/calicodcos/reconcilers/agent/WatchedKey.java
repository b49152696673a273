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
 */
final class WatchedKey implements AutoCloseable {
    private final KvStore store;
    private final String key;
    private final Runnable onChange;
    private volatile Optional<byte[]> value = Optional.empty();
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
        return value;
    }

    private void readAndWatch() {
        stopWatching();
        // A one-key page is a read that tells its revision: the key itself sorts first under its own prefix.
        KvStore.Page read = store.page(key, null, 1, 0);
        value = Optional.ofNullable(read.entries().get(key)).map(Versioned::value);
        long mine = ++generation;
        watching = true;
        watch = store.watchKey(key, read.revision() + 1, changes -> {
            if (mine != generation) {
                return; // a watch this one replaced
            }
            for (KvStore.Change change : changes) {
                value = change.value().map(Versioned::value);
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

    @Override
    public void close() {
        generation++;
        watching = false;
        stopWatching();
    }
}
