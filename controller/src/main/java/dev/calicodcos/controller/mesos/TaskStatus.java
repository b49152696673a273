package dev.calicodcos.controller.mesos;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A v1 {@code TaskStatus} as carried by an {@code UPDATE} event.
 *
 * @param uuid base64 exactly as received; present only on updates the agent resends until acknowledged
 */
public record TaskStatus(String taskId, TaskState state, String stateName, Optional<String> agentId,
                         Optional<String> executorId, Optional<String> message, Optional<String> source,
                         Optional<String> reason, Optional<Instant> timestamp, Optional<String> uuid,
                         Optional<Boolean> healthy) {

    public TaskStatus {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateName, "stateName");
    }

    /** Mesos rule: acknowledge exactly the updates that carry a uuid, never the others. */
    public boolean needsAcknowledgement() {
        return uuid.isPresent();
    }
}
