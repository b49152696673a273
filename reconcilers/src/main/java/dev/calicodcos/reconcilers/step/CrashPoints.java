package dev.calicodcos.reconcilers.step;

/**
 * Named points inside disruptive steps where a crash matters. Production passes {@link #NONE};
 * crash tests pass a hook that throws there, then start a fresh node agent on the same host.
 */
@FunctionalInterface
public interface CrashPoints {
    CrashPoints NONE = point -> { };

    void reached(String point);
}
