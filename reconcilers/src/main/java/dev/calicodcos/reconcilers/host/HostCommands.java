package dev.calicodcos.reconcilers.host;

import java.time.Duration;
import java.util.List;

/** Runs short host programs ({@code systemctl}, {@code detect_ip}, {@code mesos-master --version}). */
public interface HostCommands {
    /** Throws {@link StepFailure} when the program cannot be started or does not end in time. */
    CommandResult run(List<String> argv, Duration timeout);
}
