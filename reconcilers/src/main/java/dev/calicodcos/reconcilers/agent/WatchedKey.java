package dev.calicodcos.reconcilers.agent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The latest value of one etcd key without a request per read: one read, then a watch from that
 * read's revision keeps the value (so no change between the two is missed). When the watch ends
 * (compaction, a lost connection jetcd gave up on), the next read reads the key again and watches
 * anew. {@code onChange} runs on every change and when the watch ends.
 *
 * <p>{@link #current()} is for one thread (the node agent's loop); the watch updates from jetcd's.
 */
final class WatchedKey implements AutoCloseable {
    private final Client etcd;
    private final ByteSequence key;
    private final Duration timeout;
    private final Runnable onChange;
    private volatile Optional<byte[]> value = Optional.empty();
    private volatile boolean watching;
    private volatile long generation;
    private Watch.Watcher watcher;

    WatchedKey(Client etcd, ByteSequence key, Duration timeout, Runnable onChange) {
        this.etcd = etcd;
        this.key = key;
        this.timeout = timeout;
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
        GetResponse read;
        try {
            read = etcd.getKVClient().get(key).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("etcd: " + e.getMessage(), e);
        }
        value = read.getKvs().stream().findFirst().map(kv -> kv.getValue().getBytes());
        long mine = ++generation;
        watching = true;
        watcher = etcd.getWatchClient().watch(key, WatchOption.builder().withRevision(read.getHeader().getRevision() + 1).build(),
                Watch.listener(response -> {
                    if (mine != generation) {
                        return; // a watch this one replaced
                    }
                    for (WatchEvent event : response.getEvents()) {
                        value = event.getEventType() == WatchEvent.EventType.DELETE
                                ? Optional.empty() : Optional.of(event.getKeyValue().getValue().getBytes());
                    }
                    onChange.run();
                }, error -> {
                    if (mine == generation) {
                        watching = false;
                        onChange.run();
                    }
                }));
    }

    private void stopWatching() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    @Override
    public void close() {
        generation++;
        watching = false;
        stopWatching();
    }
}
