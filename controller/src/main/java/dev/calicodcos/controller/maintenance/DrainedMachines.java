package dev.calicodcos.controller.maintenance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the leader recorded in etcd ({@code ClusterKeys.drainedMachines()}) about the machines of
 * agents it drains, by agent id, so that a new leader knows which schedule entries are ours.
 *
 * @param agents by agent id: the machine, and whether we added it (false: the operator's schedule already had it; never removed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrainedMachines(Map<String, Entry> agents) {
    public static final DrainedMachines NONE = new DrainedMachines(Map.of());

    public DrainedMachines {
        agents = agents == null ? Map.of() : Map.copyOf(new TreeMap<>(agents));
    }

    /** @param added we put the machine in the schedule and take it out again */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String hostname, String ip, boolean added) {
        public Machine machine() {
            return new Machine(hostname, ip);
        }
    }
}
