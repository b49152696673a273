package dev.calicodcos.controller.loop;

import dev.calicodcos.controller.store.KvStore;
import dev.calicodcos.model.ClusterKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns etcd changes under a cluster (spec, control, every agent's report) into loop triggers.
 * A watch that fails (compaction, connection loss) is re-created from the current revision and a
 * pass is triggered: every pass re-reads everything, so no event needs replaying.
 */
public final class ClusterWatches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatches.class);

    private final KvStore kv;
    private final ClusterKeys keys;
    private final Runnable trigger;
    private final List<KvStore.Watch> watches = new ArrayList<>();
    private final ScheduledExecutorService rewatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watch-restart");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public ClusterWatches(KvStore kv, ClusterKeys keys, Runnable trigger) {
        this.kv = kv;
        this.keys = keys;
        this.trigger = trigger;
    }

    public synchronized void start() {
        long from = kv.revision() + 1;
        watches.add(kv.watch(keys.spec(), from, change -> trigger.run(), this::failed));
        watches.add(kv.watch(keys.control(), from, change -> trigger.run(), this::failed));
        watches.add(kv.watchPrefix(keys.agentsPrefix(), from, key -> {
            if (key.endsWith("/report")) {
                trigger.run();
            }
        }, this::failed));
        trigger.run();
    }

    private void failed(Throwable error) {
        if (closed) {
            return;
        }
        LOG.warn("etcd watch failed, re-reading everything and watching again error={}", error.getMessage());
        rewatch.schedule(this::restart, 1, TimeUnit.SECONDS);
    }

    private synchronized void restart() {
        if (closed) {
            return;
        }
        stopWatches();
        try {
            start();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void stopWatches() {
        watches.forEach(KvStore.Watch::close);
        watches.clear();
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopWatches();
        rewatch.shutdownNow();
    }
}
