package dev.calicodcos.e2e.mesos;

import dev.calicodcos.controller.mesos.SchedulerEvent;
import dev.calicodcos.controller.mesos.SchedulerListener;
import dev.calicodcos.controller.mesos.TaskStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event a driver delivers, in order. */
final class EventLog implements SchedulerListener {
    private final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(SchedulerEvent event) {
        events.add(event);
    }

    List<SchedulerEvent> all() {
        return List.copyOf(events);
    }

    int size() {
        return events.size();
    }

    /** Events delivered after the first {@code mark} ones. */
    List<SchedulerEvent> since(int mark) {
        List<SchedulerEvent> all = all();
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    List<SchedulerEvent.Subscribed> subscriptions() {
        return of(all(), SchedulerEvent.Subscribed.class);
    }

    List<SchedulerEvent.Disconnected> disconnections() {
        return of(all(), SchedulerEvent.Disconnected.class);
    }

    List<SchedulerEvent.Error> errors() {
        return of(all(), SchedulerEvent.Error.class);
    }

    /** Every update delivered (duplicates and resends included). */
    List<TaskStatus> updates() {
        return updates(all());
    }

    List<TaskStatus> updates(String taskId) {
        return updates().stream().filter(s -> s.taskId().equals(taskId)).toList();
    }

    static List<TaskStatus> updates(List<SchedulerEvent> events) {
        return of(events, SchedulerEvent.Update.class).stream().map(SchedulerEvent.Update::status).toList();
    }

    static <T extends SchedulerEvent> List<T> of(List<SchedulerEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
