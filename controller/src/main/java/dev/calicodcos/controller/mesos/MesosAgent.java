package dev.calicodcos.controller.mesos;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One agent as the master lists it in {@code /master/slaves}.
 *
 * @param ip            the agent's address, from its libprocess pid, else its hostname (an IP on DC/OS)
 * @param reservedRoles roles that hold static or dynamic reservations on the agent ({@code slave_public} on public agents)
 * @param attributes    attribute name → text (scalars as their number, ranges and sets in Mesos' text form)
 */
public record MesosAgent(String id, String hostname, String ip, int port, Status status, boolean publicAgent,
                         Set<String> reservedRoles, Map<String, String> attributes, ResourceTotals resources,
                         Optional<String> version, Optional<Instant> registeredTime, Optional<Instant> reregisteredTime,
                         Optional<String> region, Optional<String> zone) {

    public enum Status {
        /** Registered, connected and schedulable. */
        ACTIVE,
        /** Registered but its connection dropped; it either comes back or becomes unreachable. */
        DISCONNECTED,
        /** Deactivated or drained by an operator: no offers. */
        DEACTIVATED,
        /** Known from the registry after a master failover, not re-registered yet: only id, hostname, port, attributes. */
        RECOVERING
    }

    public MesosAgent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(status, "status");
        reservedRoles = Set.copyOf(reservedRoles);
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(resources, "resources");
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
