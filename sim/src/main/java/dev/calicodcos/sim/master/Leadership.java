package dev.calicodcos.sim.master;

import java.util.Optional;

/** Which master leads ({@code host:port}), shared by the simulated masters; empty means no leader is elected. */
public final class Leadership {
    private volatile String leader;
    private volatile boolean recovering;

    public Optional<String> leader() {
        return Optional.ofNullable(leader);
    }

    public void elect(String hostPort) {
        this.leader = hostPort;
    }

    public void noLeader() {
        this.leader = null;
    }

    /** A freshly elected leader answers the v1 APIs with 503 until it has recovered. */
    public void recovering(boolean recovering) {
        this.recovering = recovering;
    }

    public boolean isRecovering() {
        return recovering;
    }
}
