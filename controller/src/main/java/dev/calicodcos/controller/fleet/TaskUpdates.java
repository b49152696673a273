package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.mesos.TaskStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which task updates are news. Updates come twice (an agent resends until acknowledged), late
 * (reconciliation answers cross the updates they describe) and out of order, but in Mesos a task
 * that ended never runs again: an update about an ended task, or one older than the last seen for
 * a running task, must not bring it back (the agent would be left without a node agent).
 */
final class TaskUpdates {
    private final int endedCapacity;
    /** Task IDs that ended, oldest first; bounded, since a relaunched node agent gets a new ID. */
    private final Map<String, Boolean> ended;
    private final Map<String, Instant> lastSeen = new HashMap<>();

    /** @param endedCapacity how many ended task IDs to remember (a few per agent is plenty) */
    TaskUpdates(int endedCapacity) {
        this.endedCapacity = endedCapacity;
        this.ended = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > TaskUpdates.this.endedCapacity;
            }
        };
    }

    /** Whether {@code status} changes what we know; remembers it when it does. */
    boolean isNews(TaskStatus status) {
        String taskId = status.taskId();
        if (ended.containsKey(taskId)) {
            return false;
        }
        Instant seen = lastSeen.get(taskId);
        if (seen != null && status.timestamp().filter(seen::isAfter).isPresent()) {
            return false;
        }
        if (status.state().terminal()) {
            lastSeen.remove(taskId);
            ended.put(taskId, Boolean.TRUE);
        } else {
            status.timestamp().ifPresent(t -> lastSeen.put(taskId, t));
        }
        return true;
    }
}
