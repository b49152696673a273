package dev.calicodcos.sim.master;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;


/**
 * Decides which framework gets which agent's free resources, one offer per agent and role, as the
 * reference describes: a role receives unreserved resources plus those reserved for it; suppressed
 * roles and active decline filters are skipped. Changes nothing: the master applies the result.
 */
final class Allocator {
    record Candidate(String agentId, ResourcePool available) {}

    /** @param filters read only; the allocation runs under the master lock */
    record Claimant(String frameworkId, List<String> roles, java.util.Set<String> suppressed, OfferFilters filters) {}

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
                    if (share.isEmpty() || fw.filters().refuses(agent.agentId(), role, share, now)) {
                        continue;
                    }
                    out.add(new Allocation(agent.agentId(), fw.frameworkId(), role, share));
                    left = left.minus(share);
                }
            }
        }
        return out;
    }

}
