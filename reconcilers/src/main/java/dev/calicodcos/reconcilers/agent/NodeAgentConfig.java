package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.ClusterKeys;
import java.time.Duration;
import java.util.Objects;

/**
 * How one node agent runs.
 *
 * @param resync      how often every step is re-observed when all is settled (drift repair)
 * @param busyRecheck how soon to look again while a step is applying, restarting or waiting for a grant
 *                    (a plan change wakes the agent at once anyway)
 * @param leaseTtl    TTL of the lease the report is written under: a dead node agent's report is gone after it
 */
public record NodeAgentConfig(String agentId, ClusterKeys keys, Duration resync, Duration busyRecheck, Duration leaseTtl) {
    public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BUSY_RECHECK = Duration.ofSeconds(2);
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);

    public NodeAgentConfig {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(keys, "keys");
        if (leaseTtl.toSeconds() < 2) {
            throw new IllegalArgumentException("the report lease needs a TTL of at least 2s");
        }
    }

    public static NodeAgentConfig defaults(String agentId, ClusterKeys keys) {
        return new NodeAgentConfig(agentId, keys, DEFAULT_RESYNC, DEFAULT_BUSY_RECHECK, DEFAULT_LEASE_TTL);
    }
}
