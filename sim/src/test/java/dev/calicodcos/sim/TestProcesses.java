package dev.calicodcos.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Running programs as a task would (exact environment) and finding the processes a test started. */
public final class TestProcesses {
    private TestProcesses() {}

    /** Exit code and output of one run. */
    public record Run(int exitCode, String stdout, String stderr) {}

    /** Runs {@code argv} in {@code dir} with exactly {@code env}; output is kept as printed. */
    public static Run run(Map<String, String> env, Path dir, List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    /** A number no other sleeping process has as its argument. */
    public static String daemonToken() {
        return Long.toString(4_000_000 + ThreadLocalRandom.current().nextInt(1_000_000));
    }

    /** Host processes that are {@code sleep <token>}. */
    public static List<ProcessHandle> sleeping(String token) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false)
                        && h.info().arguments().map(a -> List.of(a).equals(List.of(token))).orElse(false)).toList();
    }
}
