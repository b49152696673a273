package dev.calicodcos.controller.mesos;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Handles the events of one subscription stream, in order: persists the framework ID of SUBSCRIBED
 * and opens the {@link Session}, hands events to the listener, acknowledges updates, and tells the
 * {@link SubscriptionLoop} when the master ended the subscription and how to go on.
 */
final class EventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    /** What the stream reader should do after an event. */
    enum Next { CONTINUE, RESUBSCRIBE, NEW_FRAMEWORK, SUPERSEDED }

    private final SchedulerDriverConfig config;
    private final SchedulerEventParser parser;
    private final FrameworkIdStore store;
    private final SchedulerListener listener;
    private final HeartbeatWatchdog watchdog;
    private final TaskReconciliation reconciliation;
    private final Consumer<TaskStatus> acknowledge;
    private final AtomicReference<Session> session;
    private final AtomicReference<String> frameworkId = new AtomicReference<>();
    private volatile String endReason;

    EventDispatcher(SchedulerDriverConfig config, SchedulerEventParser parser, FrameworkIdStore store,
                    SchedulerListener listener, HeartbeatWatchdog watchdog, TaskReconciliation reconciliation,
                    Consumer<TaskStatus> acknowledge, AtomicReference<Session> session) {
        this.config = config;
        this.parser = parser;
        this.store = store;
        this.listener = listener;
        this.watchdog = watchdog;
        this.reconciliation = reconciliation;
        this.acknowledge = acknowledge;
        this.session = session;
    }

    /** Reads the stored framework ID; from now on it is also kept in memory. */
    void loadFrameworkId() {
        frameworkId.set(store.load().orElse(null));
    }

    Optional<String> frameworkId() {
        return Optional.ofNullable(frameworkId.get());
    }

    /** Why the last subscription ended, for the {@link SchedulerEvent.Disconnected} event. */
    String endReason() {
        String reason = endReason;
        return reason == null ? "stream ended" : reason;
    }

    /** Records why the subscription is ending; the first cause wins over the I/O errors it leads to. */
    void endReason(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
    }

    void resetEndReason() {
        endReason = null;
    }

    Next dispatch(byte[] record, String streamId) {
        SchedulerEvent event;
        try {
            event = parser.parse(record);
        } catch (MesosException e) {
            LOG.warn("scheduler event skipped cause={}", e.getMessage());
            return Next.CONTINUE;
        }
        if (event instanceof SchedulerEvent.Subscribed subscribed) {
            return onSubscribed(subscribed, streamId) ? Next.CONTINUE : Next.RESUBSCRIBE;
        }
        if (event instanceof SchedulerEvent.Error error) {
            return onError(error);
        }
        if (event instanceof SchedulerEvent.Heartbeat) {
            return Next.CONTINUE;
        }
        if (event instanceof SchedulerEvent.Unknown unknown) {
            LOG.debug("scheduler event ignored type={}", unknown.type());
            return Next.CONTINUE;
        }
        if (session.get() == null) {
            LOG.warn("scheduler event before SUBSCRIBED ignored event={}", event.getClass().getSimpleName());
            return Next.CONTINUE;
        }
        if (event instanceof SchedulerEvent.Update update) {
            reconciliation.answered(update.status().taskId());
            if (emit(update) && config.autoAcknowledge() && update.status().needsAcknowledgement()) {
                acknowledge.accept(update.status());
            }
            return Next.CONTINUE;
        }
        emit(event);
        return Next.CONTINUE;
    }

    /** Delivers an event; a failing listener is logged, and its update stays unacknowledged. */
    boolean emit(SchedulerEvent event) {
        try {
            listener.onEvent(event);
            return true;
        } catch (RuntimeException e) {
            LOG.error("scheduler listener failed event={}", event.getClass().getSimpleName(), e);
            return false;
        }
    }

    private boolean onSubscribed(SchedulerEvent.Subscribed subscribed, String streamId) {
        String id = subscribed.frameworkId();
        frameworkId.set(id);   // kept in memory too, so a failed save never makes us register a second framework
        try {
            store.save(id);
        } catch (RuntimeException e) {
            endReason("framework ID not persisted");
            LOG.error("framework ID not persisted, resubscribing frameworkId={}", id, e);
            return false;
        }
        session.set(new Session(id, streamId));
        watchdog.timeout(config.heartbeatTimeout(subscribed.heartbeatInterval()));
        LOG.info("subscribed frameworkId={} heartbeatIntervalMs={}", id, subscribed.heartbeatInterval().toMillis());
        emit(subscribed);
        reconciliation.subscribed();
        return true;
    }

    private Next onError(SchedulerEvent.Error error) {
        endReason(error.message());
        LOG.warn("master ended the subscription message={}", error.message());
        emit(error);
        if (error.frameworkRemoved()) {
            LOG.warn("framework was removed by Mesos, registering a new one oldFrameworkId={}", frameworkId.get());
            frameworkId.set(null);
            try {
                store.clear();
            } catch (RuntimeException e) {
                LOG.error("stale framework ID not cleared from the store", e);
            }
            return Next.NEW_FRAMEWORK;
        }
        return error.failedOver() ? Next.SUPERSEDED : Next.RESUBSCRIBE;
    }
}
