package dev.calicodcos.sim.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A started container: the outer process (unshare, or the init itself without PID namespaces), the
 * init, the command (the init's oldest child) and everything they started.
 */
public final class ContainedProcess {
    private final Process outer;
    private final boolean namespaced;
    private final Optional<byte[]> marker;

    ContainedProcess(Process outer, boolean namespaced, Optional<String> marker) {
        this.outer = outer;
        this.namespaced = namespaced;
        this.marker = marker.map(m -> m.getBytes(StandardCharsets.UTF_8));
    }

    /** Host pid of the process that holds the container (what Mesos reports as the executor pid). */
    public long pid() {
        return outer.pid();
    }

    /** The command's host pid while it runs. */
    public Optional<ProcessHandle> main() {
        return init().flatMap(i -> i.children().filter(ProcessHandle::isAlive)
                .min(Comparator.comparing((ProcessHandle h) -> h.info().startInstant().orElse(Instant.MAX))
                        .thenComparingLong(ProcessHandle::pid)));
    }

    /**
     * Waits (at most {@code timeout}) until the init has forked the command, or the container ended. A
     * signal sent before that would find no command to reach; Mesos reports TASK_RUNNING only after it.
     */
    public void awaitCommand(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (main().isEmpty() && outer.isAlive() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    public boolean isAlive() {
        return outer.isAlive();
    }

    /** Exit status of the command: its code, or 128 + the signal that killed it (or killed the container). */
    public int waitFor() throws InterruptedException {
        return outer.waitFor();
    }

    public CompletableFuture<Process> onExit() {
        return outer.onExit();
    }

    /** Every live process of the container, init included. */
    public List<ProcessHandle> processes() {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        if (!namespaced && outer.isAlive()) {
            all.put(outer.pid(), outer.toHandle());
        }
        outer.descendants().filter(ProcessHandle::isAlive).forEach(h -> all.put(h.pid(), h));
        if (!namespaced) {
            marked().forEach(h -> all.put(h.pid(), h));
        }
        return List.copyOf(all.values());
    }

    /** SIGTERM to the command and everything it started (the init stays and reports the command's exit). */
    public void terminate() {
        Optional<ProcessHandle> init = init();
        for (ProcessHandle h : processes()) {
            if (init.map(i -> i.pid() != h.pid()).orElse(true)) {
                h.destroy();
            }
        }
    }

    /** SIGKILL to the whole container. */
    public void kill() {
        List<ProcessHandle> before = processes();
        if (namespaced) {
            outer.destroyForcibly();            // --kill-child: the init dies, and with it the namespace
        }
        before.forEach(ProcessHandle::destroyForcibly);
        if (!namespaced) {
            killLeftovers();
        }
    }

    /**
     * After the container ended: kills what is left. With PID namespaces the kernel has done this when
     * the init ended; without, processes that left the tree are found by the marker.
     */
    public void killLeftovers() {
        for (int round = 0; round < 5; round++) {
            List<ProcessHandle> left = processes();
            if (left.isEmpty()) {
                return;
            }
            left.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private Optional<ProcessHandle> init() {
        if (!namespaced) {
            return outer.isAlive() ? Optional.of(outer.toHandle()) : Optional.empty();
        }
        return outer.children().filter(ProcessHandle::isAlive).findFirst();
    }

    /** Processes whose environment holds the marker (only without PID namespaces). */
    private List<ProcessHandle> marked() {
        List<ProcessHandle> out = new ArrayList<>();
        if (marker.isEmpty()) {
            return out;
        }
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : proc) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid != ProcessHandle.current().pid() && hasMarker(dir.resolve("environ"))) {
                    ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: only the tree is known
        }
        return out;
    }

    private boolean hasMarker(Path environ) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(environ);
        } catch (IOException e) {
            return false;                      // gone, or not ours to read
        }
        byte[] m = marker.orElseThrow();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i - start == m.length && java.util.Arrays.equals(bytes, start, i, m, 0, m.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
