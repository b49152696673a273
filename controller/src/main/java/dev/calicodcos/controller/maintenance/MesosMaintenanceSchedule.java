package dev.calicodcos.controller.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.controller.mesos.MasterMaintenance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The schedule over the master's v0 {@code /master/maintenance/schedule} (Mesos 0.25 and later, so
 * every DC/OS): {@code {"windows":[{"machine_ids":[{"hostname":…,"ip":…}],"unavailability":{"start":
 * {"nanoseconds":…},"duration":{"nanoseconds":…}}}]}}, {@code {}} when empty.
 */
public final class MesosMaintenanceSchedule implements MaintenanceSchedule {
    private final MasterMaintenance master;
    private final ObjectMapper json;

    public MesosMaintenanceSchedule(MasterMaintenance master, ObjectMapper json) {
        this.master = master;
        this.json = json;
    }

    @Override
    public List<Window> windows() {
        try {
            return parse(json.readTree(master.schedule()));
        } catch (IOException e) {
            throw new IllegalStateException("the maintenance schedule is not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void replace(List<Window> windows) {
        try {
            master.replaceSchedule(json.writeValueAsBytes(render(windows)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the maintenance schedule: " + e.getMessage(), e);
        }
    }

    static List<Window> parse(JsonNode schedule) {
        List<Window> windows = new ArrayList<>();
        for (JsonNode window : schedule.path("windows")) {
            List<Machine> machines = new ArrayList<>();
            window.path("machine_ids").forEach(id -> machines.add(new Machine(id.path("hostname").asText(""), id.path("ip").asText(""))));
            JsonNode unavailability = window.path("unavailability");
            JsonNode duration = unavailability.path("duration").path("nanoseconds");
            windows.add(new Window(machines, unavailability.path("start").path("nanoseconds").asLong(),
                    duration.isMissingNode() ? Optional.empty() : Optional.of(duration.asLong())));
        }
        return windows;
    }

    ObjectNode render(List<Window> windows) {
        ObjectNode root = json.createObjectNode();
        ArrayNode out = root.putArray("windows");
        for (Window window : windows) {
            ObjectNode w = out.addObject();
            ArrayNode ids = w.putArray("machine_ids");
            for (Machine m : window.machines()) {
                ObjectNode id = ids.addObject();
                if (!m.hostname().isEmpty()) {
                    id.put("hostname", m.hostname());
                }
                if (!m.ip().isEmpty()) {
                    id.put("ip", m.ip());
                }
            }
            ObjectNode unavailability = w.putObject("unavailability");
            unavailability.putObject("start").put("nanoseconds", window.startNanos());
            window.durationNanos().ifPresent(d -> unavailability.putObject("duration").put("nanoseconds", d));
        }
        return root;
    }
}
