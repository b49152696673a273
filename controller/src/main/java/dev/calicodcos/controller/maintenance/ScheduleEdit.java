package dev.calicodcos.controller.maintenance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The edit that brings the schedule in line with the drains, as a pure function of the schedule the
 * master has, what we recorded and what the grants want. Every window we did not add is kept as it is
 * (a machine is removed only when we added it); a wanted machine the operator already scheduled is
 * left alone and recorded as not ours; a machine of ours that went missing is added again. Idempotent.
 *
 * @param windows  the schedule to write
 * @param recorded what to record once it is written
 * @param added    agents whose machine this edit adds
 * @param removed  agents whose machine this edit removes
 * @param scheduleChanged whether the master's schedule must be written
 */
public record ScheduleEdit(List<Window> windows, DrainedMachines recorded, List<String> added, List<String> removed,
                           boolean scheduleChanged) {

    /** A machine a drain grant wants in the schedule, for {@code durationNanos} from the edit's start. */
    public record Wanted(Machine machine, long durationNanos) {}

    public static ScheduleEdit of(List<Window> schedule, DrainedMachines recorded, Map<String, Wanted> wanted, long nowNanos) {
        List<Window> windows = new ArrayList<>(schedule);
        Map<String, DrainedMachines.Entry> record = new TreeMap<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, DrainedMachines.Entry> e : new TreeMap<>(recorded.agents()).entrySet()) {
            if (!wanted.containsKey(e.getKey()) && e.getValue().added()) {
                if (remove(windows, e.getValue().machine())) {
                    removed.add(e.getKey());
                }
            }
        }
        for (Map.Entry<String, Wanted> e : new TreeMap<>(wanted).entrySet()) {
            String agentId = e.getKey();
            Machine machine = e.getValue().machine();
            Optional<DrainedMachines.Entry> before = Optional.ofNullable(recorded.agents().get(agentId))
                    .filter(entry -> entry.machine().equals(machine));
            boolean scheduled = windows.stream().anyMatch(w -> w.has(machine));
            if (before.isPresent() && (!before.get().added() || scheduled)) {
                record.put(agentId, before.get());
            } else if (before.isEmpty() && scheduled) {
                record.put(agentId, new DrainedMachines.Entry(machine.hostname(), machine.ip(), false)); // the operator's
            } else {
                windows.add(new Window(List.of(machine), nowNanos, Optional.of(e.getValue().durationNanos())));
                record.put(agentId, new DrainedMachines.Entry(machine.hostname(), machine.ip(), true));
                added.add(agentId);
            }
        }
        return new ScheduleEdit(List.copyOf(windows), new DrainedMachines(record), added, removed, !added.isEmpty() || !removed.isEmpty());
    }

    /** Takes {@code machine} out of every window; a window left without machines goes (Mesos refuses empty ones). */
    private static boolean remove(List<Window> windows, Machine machine) {
        boolean found = false;
        for (int i = windows.size() - 1; i >= 0; i--) {
            Window w = windows.get(i);
            if (w.has(machine)) {
                found = true;
                List<Machine> rest = w.machines().stream().filter(m -> !m.equals(machine)).toList();
                if (rest.isEmpty()) {
                    windows.remove(i);
                } else {
                    windows.set(i, new Window(rest, w.startNanos(), w.durationNanos()));
                }
            }
        }
        return found;
    }
}
