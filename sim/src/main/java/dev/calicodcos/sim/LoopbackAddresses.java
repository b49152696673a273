package dev.calicodcos.sim;

import java.security.SecureRandom;

/**
 * Hands every agent of a cluster its own loopback address {@code 127.a.b.c}, the simulator's stand-in
 * for that agent's {@code 127.0.0.1}: never {@code 127.0.0.1}, distinct within the cluster, and drawn
 * from a random {@code 127.a.b.0/24} per cluster so that clusters of concurrent test runs on one
 * machine rarely meet. Linux answers all of {@code 127.0.0.0/8} on {@code lo}.
 */
final class LoopbackAddresses {
    private final int a;
    private final int b;
    private int next = 1;

    LoopbackAddresses(SecureRandom random) {
        this.a = 1 + random.nextInt(254);
        this.b = random.nextInt(256);
    }

    synchronized String next() {
        if (next > 254) {
            throw new IllegalStateException("more than 254 agents in one simulated cluster");
        }
        return "127." + a + "." + b + "." + next++;
    }
}
