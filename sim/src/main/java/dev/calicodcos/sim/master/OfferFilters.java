package dev.calicodcos.sim.master;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One framework's refused-offer filters, kept per agent as Mesos' allocator keeps them
 * ({@code offerFilters[role][agent]}), so that checking an agent costs the filters of that agent, not
 * of the whole cluster. A live filter withholds an offer whose resources it holds entirely
 * ({@code RefusedOfferFilter}: "refused resources are a superset"). Guarded by the master lock.
 */
final class OfferFilters {
    private static final Duration DEFAULT_REFUSE = Duration.ofSeconds(5);
    private static final Duration MAX_REFUSE = Duration.ofDays(365);

    private final Map<String, List<Records.Filter>> byAgent = new HashMap<>();

    /**
     * How long a filter created with {@code refuseSeconds} lasts, as {@code HierarchicalAllocatorProcess::recoverResources}
     * computes it: more than 365 days is 365 days; a negative value or one that is no duration (NaN) is the default
     * 5 s; zero is no filter at all; and a filter never expires before the next allocation (MESOS-4302).
     */
    static Optional<Duration> refuseFor(double refuseSeconds, Duration allocationInterval) {
        Duration timeout;
        if (refuseSeconds > MAX_REFUSE.toSeconds()) {
            timeout = MAX_REFUSE;
        } else if (refuseSeconds < 0 || Double.isNaN(refuseSeconds)) {
            timeout = DEFAULT_REFUSE;
        } else {
            timeout = Duration.ofNanos((long) (refuseSeconds * 1e9));
        }
        if (timeout.isZero()) {
            return Optional.empty();
        }
        return Optional.of(timeout.compareTo(allocationInterval) < 0 ? allocationInterval : timeout);
    }

    void add(Records.Filter filter) {
        byAgent.computeIfAbsent(filter.agentId(), a -> new ArrayList<>(1)).add(filter);
    }

    /** Whether a live filter of {@code role} on {@code agentId} holds all of {@code offer}. */
    boolean refuses(String agentId, String role, ResourcePool offer, Instant now) {
        List<Records.Filter> filters = byAgent.get(agentId);
        if (filters == null) {
            return false;
        }
        for (Records.Filter f : filters) {
            if (f.role().equals(role) && f.expiry().isAfter(now) && f.resources().contains(offer)) {
                return true;
            }
        }
        return false;
    }

    void expire(Instant now) {
        byAgent.values().removeIf(filters -> {
            filters.removeIf(f -> !f.expiry().isAfter(now));
            return filters.isEmpty();
        });
    }

    /** REVIVE: every filter of these roles goes. */
    void clearRoles(Collection<String> roles) {
        byAgent.values().removeIf(filters -> {
            filters.removeIf(f -> roles.contains(f.role()));
            return filters.isEmpty();
        });
    }

    void clear() {
        byAgent.clear();
    }

    int size() {
        return byAgent.values().stream().mapToInt(List::size).sum();
    }
}
