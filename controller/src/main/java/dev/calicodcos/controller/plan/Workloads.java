package dev.calicodcos.controller.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workloads on every agent as the Mesos master listed them at {@code listedAt}, or why they are
 * unknown. Looked up before a pass (never by the planner), and only while an agent waits for a
 * restart that can disrupt them; the planner names them in the restart grant's event.
 *
 * @param byAgent        running tasks of other frameworks, by agent id; an agent without any is absent
 * @param unknownBecause why there is no listing (the lookup failed, or none was made); then {@code byAgent} is empty
 */
public record Workloads(Instant listedAt, Map<String, List<Workload>> byAgent, Optional<String> unknownBecause) {
    public Workloads {
        byAgent = Map.copyOf(byAgent);
    }

    public static Workloads listed(Instant at, Map<String, List<Workload>> byAgent) {
        return new Workloads(at, byAgent, Optional.empty());
    }

    public static Workloads unknown(Instant at, String why) {
        return new Workloads(at, Map.of(), Optional.of(why));
    }

    /** Before any lookup. */
    public static Workloads notLookedUp() {
        return unknown(Instant.EPOCH, "not looked up");
    }

    /** The agent's workloads, empty when the listing is unknown. */
    public Optional<List<Workload>> on(String agentId) {
        return unknownBecause.isPresent() ? Optional.empty() : Optional.of(byAgent.getOrDefault(agentId, List.of()));
    }
}
