package dev.calicodcos.sim.systemd;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded {@code .service} unit: what the simulated systemd runs until the next daemon-reload.
 *
 * @param timeoutStart {@code TimeoutStartSec}, empty for infinity (bounds the {@code ExecStartPre} commands)
 * @param timeoutStop  {@code TimeoutStopSec}, empty for infinity
 */
record UnitDefinition(String description, List<ExecCommand> execStartPre, ExecCommand execStart, Restart restart,
                      Duration restartSec, Optional<Duration> timeoutStart, Optional<Duration> timeoutStop,
                      Map<String, String> environment, int startLimitBurst, Duration startLimitInterval) {

    /** The {@code Restart=} values that are simulated. */
    enum Restart { NO, ALWAYS, ON_FAILURE }

    UnitDefinition {
        execStartPre = List.copyOf(execStartPre);
        environment = Map.copyOf(environment);
    }
}
