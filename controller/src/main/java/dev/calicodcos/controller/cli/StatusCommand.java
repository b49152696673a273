package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.http.AgentFilter;
import dev.calicodcos.controller.http.StatusSummary;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "status", description = {
        "Show the cluster's summary (conditions, agents by phase, the rollout, each step's agents by step phase) and the",
        "first " + StatusCommand.NOT_READY_SHOWN + " agents that are not ready; --agents, --phase or --step list agents instead",
        "(the agent × step grid). With -o json: the summary the controller serves at /api/v1/status, or with --agents (or a",
        "filter) the status with the agents' rows.",
        "With --wait: wait until the newest spec is Ready (exit 0), the rollout is halted or the spec invalid (exit 1),",
        "or the timeout passes (exit 2), printing progress as it changes (with -o json: progress on stderr, then the",
        "last status on stdout)."})
class StatusCommand extends EtcdCommand {
    /** However large the cluster, {@code status} alone prints no more agents than this. */
    static final int NOT_READY_SHOWN = 20;

    enum Format { table, json }

    @Option(names = "--agents", description = "List every agent, most urgent first (with -o json: every agent's row).")
    boolean agents;

    @Option(names = "--phase", paramLabel = "PHASE[,PHASE…]",
            description = "List the agents in these phases (e.g. failed,blocked; any case).")
    String phase;

    @Option(names = "--step", paramLabel = "STEP[:PHASE,…]",
            description = "List the agents where this step is not done, or is in these step phases (e.g. cni, cni:failed).")
    String step;

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
        AgentFilter filter = filter();
        boolean listing = agents || !filter.isAny();
        try (KvStore kv = connect()) {
            ClusterStore store = new ClusterStore(kv, new ClusterDocuments(etcd.keys(), app.codec));
            if (!waitForReady) {
                Optional<ClusterStatus> summary = store.summary(); // one read, whatever the number of agents
                if (summary.isEmpty()) {
                    err().println("error: no status for calicocluster/" + etcd.cluster + " yet (is the controller running?)");
                    err().flush();
                    return ExitCode.FAILED;
                }
                print(summary.get(), listing, filter, store);
                return ExitCode.OK;
            }
            // Scripts read one JSON document from stdout; people watching read the progress lines.
            PrintWriter progress = format == Format.json ? err() : out();
            Verdict verdict = waitForVerdict(kv, store, progress);
            if (format == Format.json && verdict.last().isPresent()) {
                print(verdict.last().get(), listing, filter, store);
            }
            return verdict.exitCode();
        }
    }

    /**
     * Reads the agents' rows (a paged read of the whole cluster) only when they are printed: when
     * listing, or for the table when some agent is not ready.
     */
    private void print(ClusterStatus summary, boolean listing, AgentFilter filter, ClusterStore store) {
        boolean allReady = summary.agentCounts().getOrDefault(AgentPhase.READY, 0) == StatusSummary.agents(summary);
        ClusterStatus status = listing || format == Format.table && !allReady ? store.status().orElse(summary) : summary;
        List<AgentStatus> rows = status.agents().values().stream().filter(filter::matches).toList();
        String text;
        if (format == Format.json) {
            ClusterStatus shown = listing
                    ? StatusSummary.withAgents(status, rows.stream().collect(Collectors.toMap(AgentStatus::agentId, a -> a)))
                    : StatusSummary.of(status);
            text = app.codec.toJson(shown) + "\n";
        } else {
            text = listing ? StatusTable.withAgents(etcd.cluster, status, rows) : StatusTable.overview(etcd.cluster, status, NOT_READY_SHOWN);
        }
        out().print(text);
        out().flush();
    }

    /** --phase and --step, checked before anything is read. */
    private AgentFilter filter() {
        Set<AgentPhase> phases = phase == null ? Set.of() : option("--phase", () -> AgentFilter.parsePhases(phase));
        Optional<AgentFilter.StepFilter> steps = step == null ? Optional.empty()
                : Optional.of(option("--step", () -> AgentFilter.StepFilter.parse(step)));
        return new AgentFilter(phases, steps, "");
    }

    private <T> T option(String name, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), name + ": " + e.getMessage());
        }
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
