package dev.calicodcos.reconcilers.host;

import java.time.Instant;
import java.util.Optional;

/**
 * systemd units on the agent: only what the steps need. The verbs throw {@link StepFailure}
 * ({@code ServiceCommandFailed}) when systemctl fails; the queries never throw for a unit that is
 * not there.
 */
public interface Services {
    void restart(String unit);

    void reload(String unit);

    void start(String unit);

    void stop(String unit);

    /** Starts the unit at boot ({@code systemctl enable}). */
    void enable(String unit);

    /** Stops the unit and no longer starts it at boot ({@code systemctl disable --now}). */
    void disableNow(String unit);

    /** Makes systemd read changed unit files ({@code systemctl daemon-reload}). */
    void daemonReload();

    boolean isActive(String unit);

    boolean isEnabled(String unit);

    /** When the unit last became active ({@code ActiveEnterTimestamp}); empty when it is not active. */
    Optional<Instant> activeSince(String unit);
}
