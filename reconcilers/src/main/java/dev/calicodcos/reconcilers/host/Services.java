package dev.calicodcos.reconcilers.host;

import java.time.Instant;
import java.util.Optional;

/** systemd units on the agent: only what the steps need. */
public interface Services {
    void restart(String unit);

    void reload(String unit);

    boolean isActive(String unit);

    /** When the unit last became active ({@code ActiveEnterTimestamp}); empty when it is not active. */
    Optional<Instant> activeSince(String unit);
}
