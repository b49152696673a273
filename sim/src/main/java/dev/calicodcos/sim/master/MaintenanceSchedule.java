package dev.calicodcos.sim.master;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The master's maintenance schedule as the v0 {@code /master/maintenance/schedule} endpoint has it:
 * replaced whole, validated as Mesos does (src/master/maintenance.cpp): a window needs machines, a
 * machine needs a hostname or an IPv4 ip, a machine is in at most one window, a duration is not
 * negative, {@code start.nanoseconds} is required. Every machine in the schedule is draining (Mesos
 * puts it in DRAINING at once, whatever the window's start). Not thread-safe: the master's lock guards it.
 */
final class MaintenanceSchedule {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** A machine id; "" when not given. */
    record MachineId(String hostname, String ip) {}

    /** One window: its machines and when they become unavailable. */
    record Window(List<MachineId> machines, long startNanos, Optional<Long> durationNanos) {}

    private List<Window> windows = List.of();

    List<Window> windows() {
        return windows;
    }

    /**
     * Replaces the schedule with {@code body}.
     *
     * @return the error Mesos would answer 400 with, or empty when the schedule was taken
     */
    Optional<String> replace(String body) {
        List<Window> parsed = new ArrayList<>();
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            return Optional.of("Failed to parse body into JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return Optional.of("Failed to convert JSON into Schedule protobuf: Expecting a JSON object");
        }
        JsonNode list = root.path("windows");
        if (!list.isMissingNode() && !list.isArray()) {
            return Optional.of("Failed to convert JSON into Schedule protobuf: Not expecting a JSON " + list.getNodeType() + " for field 'windows'");
        }
        Set<MachineId> seen = new HashSet<>();
        for (JsonNode w : list) {
            JsonNode start = w.path("unavailability").path("start").path("nanoseconds");
            if (!start.isIntegralNumber()) {
                return Optional.of("Failed to convert JSON into Schedule protobuf: Missing required fields: windows[" + parsed.size()
                        + "].unavailability.start");
            }
            JsonNode duration = w.path("unavailability").path("duration").path("nanoseconds");
            if (!duration.isMissingNode() && duration.asLong() < 0) {
                return Optional.of("Unavailability 'duration' is negative");
            }
            List<MachineId> machines = new ArrayList<>();
            for (JsonNode id : w.path("machine_ids")) {
                MachineId machine = new MachineId(id.path("hostname").asText(""), id.path("ip").asText(""));
                Optional<String> invalid = invalid(machine);
                if (invalid.isPresent()) {
                    return invalid;
                }
                if (!seen.add(machine)) {
                    return Optional.of("Machine '" + render(machine) + "' appears more than once in the schedule");
                }
                machines.add(machine);
            }
            if (machines.isEmpty()) {
                return Optional.of("List of machines in the maintenance window is empty");
            }
            parsed.add(new Window(List.copyOf(machines), start.asLong(),
                    duration.isMissingNode() ? Optional.empty() : Optional.of(duration.asLong())));
        }
        windows = List.copyOf(parsed);
        return Optional.empty();
    }

    private static Optional<String> invalid(MachineId machine) {
        if (machine.hostname().isEmpty() && machine.ip().isEmpty()) {
            return Optional.of("Both 'hostname' and 'ip' for a machine are empty");
        }
        if (!machine.ip().isEmpty() && !ipv4(machine.ip())) {
            return Optional.of("Failed to parse IP '" + machine.ip() + "'");
        }
        return Optional.empty();
    }

    private static boolean ipv4(String text) {
        if (!DOTTED_QUAD.matcher(text).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(text) instanceof Inet4Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The window that holds {@code machine}, if any. */
    Optional<Window> windowOf(MachineId machine) {
        return windows.stream().filter(w -> w.machines().contains(machine)).findFirst();
    }

    /** The schedule as the master answers it: {@code {}} when empty, as Mesos' JSON of an empty protobuf. */
    String json() {
        ObjectNode root = JSON.createObjectNode();
        if (!windows.isEmpty()) {
            ArrayNode out = root.putArray("windows");
            for (Window w : windows) {
                ObjectNode window = out.addObject();
                ArrayNode ids = window.putArray("machine_ids");
                w.machines().forEach(m -> ids.add(node(m)));
                ObjectNode unavailability = window.putObject("unavailability");
                unavailability.putObject("start").put("nanoseconds", w.startNanos());
                w.durationNanos().ifPresent(d -> unavailability.putObject("duration").put("nanoseconds", d));
            }
        }
        return root.toString();
    }

    /** {@code /master/maintenance/status}: every scheduled machine is draining; none is down (nobody starts maintenance here). */
    String status() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode draining = JSON.createArrayNode();
        windows.forEach(w -> w.machines().forEach(m -> draining.addObject().set("id", node(m))));
        if (!draining.isEmpty()) {
            root.set("draining_machines", draining);
        }
        return root.toString();
    }

    private static ObjectNode node(MachineId m) {
        ObjectNode id = JSON.createObjectNode();
        if (!m.hostname().isEmpty()) {
            id.put("hostname", m.hostname());
        }
        if (!m.ip().isEmpty()) {
            id.put("ip", m.ip());
        }
        return id;
    }

    private static String render(MachineId m) {
        return node(m).toString();
    }
}
