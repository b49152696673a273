package dev.calicodcos.controller.loop;

import dev.calicodcos.model.status.ClusterEvent;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Hands each status event to a sink once (the controller's log, at INFO), so an operator reading
 * {@code dcos task log} sees what the status page's event history shows, and a post-mortem has it
 * after the status document has moved on. Events a previous leader recorded are taken as told
 * ({@link #alreadyTold}) when a term begins, so a failover does not repeat the history.
 *
 * <p>Not thread-safe: the reconcile loop's thread only.
 */
final class EventLog {
    /** More than the status keeps ({@code ClusterStatus.MAX_EVENTS}), so no event it still holds is told twice. */
    private static final int REMEMBERED = 1_000;

    private final Consumer<ClusterEvent> sink;
    private final Set<ClusterEvent> told = new LinkedHashSet<>();

    EventLog(Consumer<ClusterEvent> sink) {
        this.sink = sink;
    }

    /** Events of the stored status when a term begins: recorded by an earlier leader, not news. */
    void alreadyTold(Collection<ClusterEvent> events) {
        events.forEach(this::remember);
    }

    /** Tells those of {@code events} (a status's history, oldest first) not told yet, in their order. */
    void tell(List<ClusterEvent> events) {
        for (ClusterEvent event : events) {
            if (remember(event)) {
                sink.accept(event);
            }
        }
    }

    private boolean remember(ClusterEvent event) {
        if (!told.add(event)) {
            return false;
        }
        if (told.size() > REMEMBERED) {
            told.remove(told.iterator().next());
        }
        return true;
    }
}
