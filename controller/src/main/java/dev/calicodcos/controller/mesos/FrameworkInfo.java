package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The framework as it registers with the master (v1 {@code FrameworkInfo}, without the ID, which the
 * driver adds from its {@link FrameworkIdStore}).
 */
public record FrameworkInfo(String user, String name, List<String> roles, Optional<String> principal,
                            Duration failoverTimeout, boolean checkpoint, Optional<String> hostname,
                            Optional<String> webuiUrl, List<String> capabilities, Map<String, String> labels) {

    public static final String PUBLIC_AGENT_ROLE = "slave_public";

    /**
     * MULTI_ROLE for {@code roles}; PARTITION_AWARE for precise lost-task states; TASK_KILLING_STATE;
     * GPU_RESOURCES and REGION_AWARE because without them whole agents are never offered, and we need
     * every agent.
     */
    public static final List<String> CAPABILITIES =
            List.of("MULTI_ROLE", "PARTITION_AWARE", "TASK_KILLING_STATE", "GPU_RESOURCES", "REGION_AWARE");

    /** Long enough to survive a controller outage over a weekend; Mesos kills our tasks after it. */
    public static final Duration DEFAULT_FAILOVER_TIMEOUT = Duration.ofDays(7);

    public FrameworkInfo {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(name, "name");
        roles = List.copyOf(roles);
        if (roles.isEmpty() || roles.stream().distinct().count() != roles.size()) {
            throw new IllegalArgumentException("roles must be non-empty and without duplicates: " + roles);
        }
        capabilities = List.copyOf(capabilities);
        if (!capabilities.contains("MULTI_ROLE")) {
            throw new IllegalArgumentException("roles need the MULTI_ROLE capability");
        }
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * The calico-dcos registration: its own role for private agents' unreserved resources plus
     * {@code slave_public}, so that public agents' offers arrive too.
     */
    public static FrameworkInfo forEveryAgent(String user, String name, String ownRole) {
        return new FrameworkInfo(user, name, List.of(ownRole, PUBLIC_AGENT_ROLE), Optional.empty(),
                DEFAULT_FAILOVER_TIMEOUT, true, Optional.empty(), Optional.empty(), CAPABILITIES, Map.of());
    }

    /** On DC/OS with authentication the principal must equal the service account uid. */
    public FrameworkInfo withPrincipal(String value) {
        return new FrameworkInfo(user, name, roles, Optional.of(value), failoverTimeout, checkpoint, hostname,
                webuiUrl, capabilities, labels);
    }

    public FrameworkInfo withHostname(String value) {
        return new FrameworkInfo(user, name, roles, principal, failoverTimeout, checkpoint, Optional.of(value),
                webuiUrl, capabilities, labels);
    }

    public FrameworkInfo withLabels(Map<String, String> value) {
        return new FrameworkInfo(user, name, roles, principal, failoverTimeout, checkpoint, hostname, webuiUrl,
                capabilities, value);
    }

    public FrameworkInfo withFailoverTimeout(Duration value) {
        return new FrameworkInfo(user, name, roles, principal, value, checkpoint, hostname, webuiUrl,
                capabilities, labels);
    }
}
