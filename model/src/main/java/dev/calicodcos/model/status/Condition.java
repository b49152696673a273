package dev.calicodcos.model.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * A kstatus-style condition: {@code status} is "True", "False" or "Unknown"; the transition time
 * changes only when {@code status} does.
 */
public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String PAUSED = "Paused";
    public static final String INVALID_SPEC = "InvalidSpec";
    /** The controller can do its job: etcd takes writes, the leader is subscribed to the Mesos master. */
    public static final String CONTROLLER_READY = "ControllerReady";

    @JsonIgnore
    public boolean isTrue() {
        return "True".equals(status);
    }
}
