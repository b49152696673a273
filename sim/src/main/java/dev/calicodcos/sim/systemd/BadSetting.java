package dev.calicodcos.sim.systemd;

/** A unit file setting systemd refuses, or that the simulator refuses rather than guess: {@code LoadState=bad-setting}. */
final class BadSetting extends Exception {
    BadSetting(String message) {
        super(message, null, false, false);
    }
}
