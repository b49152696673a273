package dev.calicodcos.reconcilers.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Long-running child processes (the etcd proxy) that outlive the node agent and are found again by pid. */
public interface Processes {
    /** Starts {@code argv} detached, output appended to {@code log}; returns its pid. */
    long start(List<String> argv, Path log);

    /** The command line of a live process; empty when it is gone. */
    Optional<List<String>> commandLine(long pid);

    /** Stops it (TERM, then KILL after the grace period). */
    void stop(long pid);
}
