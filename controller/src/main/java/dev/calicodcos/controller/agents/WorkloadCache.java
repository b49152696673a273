package dev.calicodcos.controller.agents;

import dev.calicodcos.controller.plan.Workloads;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workloads a pass plans with, looked up only when they matter: while some agent waits for a
 * restart that may stop them (Docker, the Mesos agent), and then at most once per {@code refresh}. At
 * 10,000 agents the master's task list is tens of megabytes, so it is never read per pass, and never
 * while nobody waits. A failed lookup is kept as the reason the workloads are unknown (a grant never
 * waits for it) and is tried again after the same interval. Not thread-safe: the loop thread owns it.
 */
public final class WorkloadCache {
    /** How old a listing may be when a grant names it. */
    public static final Duration REFRESH = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadCache.class);

    private final WorkloadSource source;
    private final Duration refresh;
    private Workloads current = Workloads.notLookedUp();
    private Optional<Instant> lookedUp = Optional.empty();

    public WorkloadCache(WorkloadSource source, Duration refresh) {
        this.source = source;
        this.refresh = refresh;
    }

    /** The rule: a lookup is due when an agent waits for a disruptive restart and none was made within {@code refresh}. */
    static boolean due(Optional<Instant> lastLookup, boolean someoneWaits, Instant now, Duration refresh) {
        return someoneWaits && lastLookup.map(last -> !now.isBefore(last.plus(refresh))).orElse(true);
    }

    public boolean due(boolean someoneWaits, Instant now) {
        return due(lookedUp, someoneWaits, now, refresh);
    }

    /** Looks the workloads up now; a failure becomes the reason they are unknown. */
    public Workloads refresh(Instant now) {
        lookedUp = Optional.of(now);
        try {
            current = Workloads.listed(now, source.running());
        } catch (RuntimeException e) {
            LOG.warn("cannot look up the workloads on the agents error={}", e.getMessage());
            current = Workloads.unknown(now, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return current;
    }

    /** The last lookup's answer (or "not looked up"). */
    public Workloads current() {
        return current;
    }
}
