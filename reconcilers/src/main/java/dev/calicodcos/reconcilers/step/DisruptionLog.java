package dev.calicodcos.reconcilers.step;

import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.HostFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The agent's own record of every disruptive window, at {@value #PATH} on the host: a {@code begin}
 * line just before a step disturbs a running service (restarts docker, the Mesos agent or the etcd
 * proxy, replaces a Calico container), an {@code end} line once the step's health gate has held for
 * the stability period or the host has been put back. The disruption budget is checked against this
 * file over whole runs, and an operator reads it to see when an agent was disturbed and why.
 *
 * <p>Lines are {@code <instant> begin|end <step> <desired hash> <what>}, appended and synced. A
 * second {@code begin} for a step without its {@code end} (a node agent that crashed mid-window) is
 * the same window going on.
 */
public final class DisruptionLog {
    public static final String PATH = "/var/log/calico-dcos/disruptions.log";

    private final HostFiles files;
    private final Clock clock;

    public DisruptionLog(HostFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    public void begin(StepName step, String hash, String what) {
        append("begin", step, hash, what);
    }

    public void end(StepName step, String hash, String what) {
        append("end", step, hash, what);
    }

    private void append(String edge, StepName step, String hash, String what) {
        String line = clock.instant() + " " + edge + " " + step.id() + " " + hash + " " + what.replace('\n', ' ') + "\n";
        try {
            files.createDirectories("/var/log/calico-dcos");
            Path file = files.resolve(PATH);
            Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException | RuntimeException e) {
            // The log is evidence, not control: a full disk must not stop a rollback half way.
        }
    }
}
