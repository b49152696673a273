package dev.calicodcos.sim.master;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;


/**
 * Decides which framework gets which agent's free resources, one offer per agent and role, as the
 * reference describes: a role receives unreserved resources plus those reserved for it; suppressed
 * roles and active decline filters are skipped. Pure: the master applies the result.
 */
final class Allocator {
    record Candidate(String agentId, ResourcePool available) {}

    record Claimant(String frameworkId, List<String> roles, java.util.Set<String> suppressed,
                    List<Records.Filter> filters) {}

    record Allocation(String agentId, String frameworkId, String role, ResourcePool resources) {}

    private Allocator() {}

    /** {@code rotation} shifts the framework order so that several frameworks take turns. */
    static List<Allocation> allocate(List<Candidate> agents, List<Claimant> frameworks, Instant now, int rotation) {
        List<Allocation> out = new ArrayList<>();
        int n = frameworks.size();
        for (Candidate agent : agents) {
            ResourcePool left = agent.available();
            for (int i = 0; i < n && !left.isEmpty(); i++) {
                Claimant fw = frameworks.get(Math.floorMod(i + rotation, n));
                for (String role : fw.roles()) {
                    if (fw.suppressed().contains(role)) {
                        continue;
                    }
                    ResourcePool share = left.filterRoles(r -> r.equals("*") || r.equals(role));
                    if (share.isEmpty() || filtered(fw.filters(), agent.agentId(), role, share, now)) {
                        continue;
                    }
                    out.add(new Allocation(agent.agentId(), fw.frameworkId(), role, share));
                    left = left.minus(share);
                }
            }
        }
        return out;
    }

    private static boolean filtered(List<Records.Filter> filters, String agentId, String role, ResourcePool share, Instant now) {
        return filters.stream().anyMatch(f -> f.agentId().equals(agentId) && f.role().equals(role)
                && f.expiry().isAfter(now) && f.resources().contains(share));
    }

}
