package dev.calicodcos.reconcilers.container;

import java.util.List;
import java.util.Optional;

/** Carries out {@link ReadinessCheck}s on the host. */
public interface ReadinessProbe {
    /** Why the first failing check fails; empty when every check passes. Never throws. */
    Optional<String> failing(List<ReadinessCheck> checks);
}
