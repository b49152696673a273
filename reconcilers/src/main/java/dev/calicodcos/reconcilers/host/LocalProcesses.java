package dev.calicodcos.reconcilers.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link Processes} on Linux: command lines are read from {@code /proc/<pid>/cmdline}. */
public final class LocalProcesses implements Processes {
    private final Duration grace;

    public LocalProcesses(Duration grace) {
        this.grace = grace;
    }

    @Override
    public long start(List<String> argv, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return process.pid();
        } catch (IOException e) {
            throw new StepFailure("ProcessStartFailed", "cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<List<String>> commandLine(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            if (raw.isEmpty()) {
                return Optional.empty(); // a zombie
            }
            if (raw.endsWith("\0")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            return Optional.of(Arrays.asList(raw.split("\0", -1)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void stop(long pid) {
        ProcessHandle.of(pid).ifPresent(handle -> {
            handle.destroy();
            try {
                handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception timeoutOrInterrupt) {
                handle.destroyForcibly();
            }
        });
    }
}
