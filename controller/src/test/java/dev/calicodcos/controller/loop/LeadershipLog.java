package dev.calicodcos.controller.loop;

import dev.calicodcos.controller.fleet.FleetFactory;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the replicas' fleets were told, in the order it happened: when each began to lead, stood
 * down, and acted (what a Mesos framework does after a pass). Tests count leadership changes and
 * check that two replicas never led at once.
 */
final class LeadershipLog {
    enum Kind { LEAD, STAND_DOWN, ACT }

    record Entry(String replica, Kind kind, long nanos) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    /** The fleet of replica {@code name}: it records instead of acting on Mesos. */
    FleetFactory fleetOf(String name) {
        return (store, leadership, registry) -> new NodeAgentFleet() {
            private volatile boolean leading;

            @Override
            public void lead() {
                if (!leading) {
                    leading = true;
                    entries.add(new Entry(name, Kind.LEAD, System.nanoTime()));
                }
            }

            @Override
            public void standDown() {
                if (leading) {
                    leading = false;
                    entries.add(new Entry(name, Kind.STAND_DOWN, System.nanoTime()));
                }
            }

            @Override
            public void setDesired(Set<String> agentIds) {
                if (leading) {
                    entries.add(new Entry(name, Kind.ACT, System.nanoTime()));
                }
            }

            @Override
            public void close() {}
        };
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    List<Entry> of(Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /** Leads and stand-downs, as "first+" and "first-", in order. */
    List<String> changes() {
        return entries.stream().filter(e -> e.kind() != Kind.ACT)
                .map(e -> e.replica() + (e.kind() == Kind.LEAD ? "+" : "-")).toList();
    }

    /** Every time a replica began to lead or acted while another had not yet stood down; empty when leadership never overlapped. */
    List<String> overlaps() {
        Set<String> leading = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            switch (e.kind()) {
                case LEAD -> leading.add(e.replica());
                case STAND_DOWN -> leading.remove(e.replica());
                case ACT -> { }
            }
            if (e.kind() != Kind.STAND_DOWN && leading.size() > 1) {
                out.add(e.replica() + " " + e.kind() + " while " + leading + " led");
            }
        }
        return out;
    }
}
