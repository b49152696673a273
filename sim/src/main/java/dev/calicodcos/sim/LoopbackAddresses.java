package dev.calicodcos.sim;

import java.security.SecureRandom;

/**
 * Hands every agent of a cluster its own loopback address {@code 127.a.b.c}, the simulator's stand-in
 * for that agent's {@code 127.0.0.1}: never {@code 127.0.0.1}, distinct within the cluster. A cluster
 * takes consecutive addresses ({@code c} from 1 to 254, then the next {@code b}) from a random start in
 * a random {@code 127.a.0.0/16}, so that clusters of concurrent test runs on one machine rarely meet and
 * one cluster holds up to 65,024 agents. Linux answers all of {@code 127.0.0.0/8} on {@code lo}.
 */
final class LoopbackAddresses {
    static final int CAPACITY = 256 * 254;

    private final int a;
    private final int start;
    private int handedOut;

    LoopbackAddresses(SecureRandom random) {
        this.a = 1 + random.nextInt(254);
        this.start = random.nextInt(256) * 254;
    }

    synchronized String next() {
        if (handedOut == CAPACITY) {
            throw new IllegalStateException("more than " + CAPACITY + " agents in one simulated cluster");
        }
        int index = (start + handedOut++) % CAPACITY;
        return "127." + a + "." + index / 254 + "." + (1 + index % 254);
    }
}
