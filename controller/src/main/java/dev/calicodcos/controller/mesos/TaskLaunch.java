package dev.calicodcos.controller.mesos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A v1 {@code TaskInfo} for a command task (no custom executor, no container image). */
public record TaskLaunch(String name, String taskId, String agentId, List<Resource> resources,
                         CommandSpec command, Map<String, String> labels, Optional<Duration> killGracePeriod) {
    public TaskLaunch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(command, "command");
        if (!validTaskId(taskId)) {
            throw new IllegalArgumentException("invalid Mesos task ID: " + taskId);
        }
        resources = List.copyOf(resources);
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("a task without resources is rejected by the master");
        }
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** The master's rule: non-empty, not . or .., no slash, backslash or control character, at most 255 bytes. */
    static boolean validTaskId(String id) {
        if (id.isEmpty() || id.equals(".") || id.equals("..") || id.getBytes(StandardCharsets.UTF_8).length > 255) {
            return false;
        }
        return id.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c));
    }
}
