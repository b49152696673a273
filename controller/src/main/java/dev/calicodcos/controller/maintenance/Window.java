package dev.calicodcos.controller.maintenance;

import java.util.List;
import java.util.Optional;

/**
 * One window of the master's maintenance schedule, kept as exact as the master gave it (nanoseconds,
 * an absent duration) so that an operator's window is written back unchanged.
 *
 * @param durationNanos absent: unavailable from {@code startNanos} on, with no end
 */
public record Window(List<Machine> machines, long startNanos, Optional<Long> durationNanos) {
    public Window {
        machines = List.copyOf(machines);
    }

    boolean has(Machine machine) {
        return machines.contains(machine);
    }
}
