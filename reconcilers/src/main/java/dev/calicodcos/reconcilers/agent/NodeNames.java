package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.reconcilers.host.CommandResult;
import dev.calicodcos.reconcilers.host.HostCommands;
import dev.calicodcos.reconcilers.host.Hosts;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Calico node name of a host: its kernel host name, as calicoctl ({@code os.Hostname()}), the
 * original framework ({@code $(hostname)}) and DC/OS's own Calico take it. The node agent shares
 * the host's UTS namespace (a Mesos task or a systemd unit), so the kernel's name is the host's.
 * Never DNS: DC/OS supports clusters without it, and the name need not resolve.
 */
final class NodeNames {
    static final String KERNEL_HOSTNAME = "proc/sys/kernel/hostname";

    private NodeNames() {}

    /**
     * {@code <hostRoot>/proc/sys/kernel/hostname}, else {@code hostname} found on {@code commandPath}
     * (the host's PATH); empty when neither gives one.
     */
    static Optional<String> of(Path hostRoot, HostCommands commands, String commandPath) {
        return fromKernel(hostRoot).or(() -> Hosts.onPath("hostname", commandPath).flatMap(hostname -> run(commands, hostname)));
    }

    private static Optional<String> fromKernel(Path hostRoot) {
        try {
            return nonEmpty(Files.readString(hostRoot.resolve(KERNEL_HOSTNAME)));
        } catch (IOException missingOrUnreadable) {
            return Optional.empty();
        }
    }

    private static Optional<String> run(HostCommands commands, Path hostname) {
        try {
            CommandResult result = commands.run(List.of(hostname.toString()), Duration.ofSeconds(10));
            return result.succeeded() ? nonEmpty(result.stdout()) : Optional.empty();
        } catch (StepFailure notThere) {
            return Optional.empty();
        }
    }

    private static Optional<String> nonEmpty(String text) {
        String name = text.strip();
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }
}
