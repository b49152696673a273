package dev.calicodcos.sim.master;

/** The master's running offer counts; guarded by the master lock. */
final class OfferCounter {
    long sent;
    long accepted;
    long declined;
    long rescinded;
    long declineCalls;
    long revives;
    long suppresses;

    OfferCounts snapshot(int outstanding) {
        return new OfferCounts(sent, accepted, declined, rescinded, outstanding, declineCalls, revives, suppresses);
    }
}
