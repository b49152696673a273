package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.controller.store.KvStore;
import dev.calicodcos.controller.store.Versioned;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = {
        "Show the cluster's conditions and the agent × step grid; with -o json, the status document the controller serves",
        "at /api/v1/status.",
        "With --wait: wait until the newest spec is Ready (exit 0), the rollout is halted or the spec invalid (exit 1),",
        "or the timeout passes (exit 2), printing progress as it changes (with -o json: progress on stderr, then the",
        "last status on stdout)."})
final class StatusCommand extends EtcdCommand {

    enum Format { table, json }

    @Option(names = "--wait", description = "Wait for the newest spec to converge.")
    boolean waitForReady;

    @Option(names = "--timeout", defaultValue = "10m", description = "How long --wait waits (e.g. 90s, 10m; default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--poll", defaultValue = "1s", hidden = true)
    String poll;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (KvStore kv = connect()) {
            ClusterStore store = new ClusterStore(kv, new ClusterDocuments(etcd.keys(), app.codec));
            if (!waitForReady) {
                Optional<ClusterStatus> status = store.status();
                if (status.isEmpty()) {
                    err().println("error: no status for calicocluster/" + etcd.cluster + " yet (is the controller running?)");
                    err().flush();
                    return ExitCode.FAILED;
                }
                print(status.get());
                return ExitCode.OK;
            }
            // Scripts read one JSON document from stdout; people watching read the progress lines.
            PrintWriter progress = format == Format.json ? err() : out();
            Verdict verdict = waitForVerdict(kv, store, progress);
            if (format == Format.json && verdict.last().isPresent()) {
                store.status().ifPresent(this::print); // with every agent's row, read once at the end
            }
            return verdict.exitCode();
        }
    }

    private void print(ClusterStatus status) {
        out().print(format == Format.json ? app.codec.toJson(status) + "\n" : StatusTable.render(etcd.cluster, status));
        out().flush();
    }

    /** How the wait ended, and the status last read. */
    private record Verdict(int exitCode, Optional<ClusterStatus> last) {}

    /** Polls the status document alone (one read, whatever the number of agents) until a verdict. */
    private Verdict waitForVerdict(KvStore kv, ClusterStore store, PrintWriter out) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Durations.parse(timeout));
        Duration interval = Durations.parse(poll);
        String lastLine = "";
        while (true) {
            long newest = kv.get(etcd.keys().spec()).map(Versioned::modRevision).orElse(0L);
            Optional<ClusterStatus> status = store.summary();
            String line = status.map(StatusTable::progress).orElse("waiting for the controller's first status");
            if (!line.equals(lastLine)) {
                out.println(line);
                out.flush();
                lastLine = line;
            }
            if (status.isPresent() && newest != 0 && status.get().observedGeneration() == newest) {
                ClusterStatus s = status.get();
                if (s.isTrue(Condition.INVALID_SPEC)) {
                    return verdict(out, s, Condition.INVALID_SPEC, ExitCode.FAILED);
                }
                if (s.condition(Condition.DEGRADED).filter(c -> c.isTrue() && c.reason().equals("RolloutHalted")).isPresent()) {
                    return verdict(out, s, Condition.DEGRADED, ExitCode.FAILED);
                }
                if (s.isTrue(Condition.READY) && s.appliedGeneration() == newest) {
                    return verdict(out, s, Condition.READY, ExitCode.OK);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                out.println("timed out after " + timeout + " waiting for calicocluster/" + etcd.cluster + " to be Ready");
                out.flush();
                return new Verdict(ExitCode.TIMEOUT, status);
            }
            TimeUnit.MILLISECONDS.sleep(interval.toMillis()); // the poll interval of a CLI waiting on etcd
        }
    }

    private static Verdict verdict(PrintWriter out, ClusterStatus status, String type, int code) {
        Condition c = status.condition(type).orElseThrow();
        out.println(c.type() + "=" + c.status() + " (" + c.reason() + "): " + c.message());
        out.flush();
        return new Verdict(code, Optional.of(status));
    }
}
