package dev.calicodcos.e2e.bench;

import dev.calicodcos.e2e.bench.CaseResult.EditFigures;
import dev.calicodcos.e2e.bench.CaseResult.IdleFigures;
import dev.calicodcos.e2e.bench.CaseResult.RolloutFigures;
import dev.calicodcos.model.codec.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The benchmark's report ({@code benchmark-reports/convergence.md}) from what the cases measured. */
final class BenchReport {
    private static final String MISSED = " ✗";
    private static final double MIB = 1024 * 1024;

    private BenchReport() {}

    static String render(BenchSettings settings, Machine machine, long controllerMaxHeap, List<CaseResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("""
                # Convergence benchmark

                Written by `ConvergenceBenchmark` (src/test), after every case. The controller is the real
                `calico-dcos controller` in its own JVM (`--no-node-agents`), reading the agent list from the
                simulated Mesos master; etcd is real; the node agents are simulated in the benchmark's JVM
                (`BenchNodeAgents`: the node agent's etcd protocol, host work simulated). Convergence runs from
                the spec's `put` to the controller's status saying Ready at that revision; the lower bound is
                ⌈N/K⌉·S with S = restart + stability. Controller figures are read from its `/metrics` at the
                start and the end of the rollout. ✗ marks a missed goal.

                """);
        md.append("Command: `").append(settings.commandLine()).append("`\n\n");
        md.append("Machine: ").append(machine.cores()).append(" cores, ").append(machine.memory()).append(", ").append(machine.os())
                .append("; ").append(machine.java()).append(" (benchmark and controller, controller -Xmx").append(settings.controllerHeap())
                .append("); etcd ").append(machine.etcd()).append("; commit ").append(machine.commit()).append("; ")
                .append(machine.date()).append("\n\n");
        md.append("Simulated node agents: plan re-read every ").append(settings.agentRecheck().map(Durations::format).orElse("(never)"))
                .append(" while a step is unsettled and every ").append(settings.agentResync().map(Durations::format).orElse("(never)"))
                .append(" when settled, as the node agent does by default; woken by the plan watch and when a restart's wave ends.\n\n");
        rollouts(md, results);
        edits(md, results);
        idle(md, results);
        details(md, results, machine.cores(), controllerMaxHeap);
        return md.toString();
    }

    private static void rollouts(StringBuilder md, List<CaseResult> results) {
        md.append("## Rollout\n\n");
        md.append("| N | K | S = restart + stability | lower bound ⌈N/K⌉·S | convergence | ratio (goal) | controller CPU in rollout"
                + " | CPU per agent (goal < 5 ms) | controller etcd req/agent (goal ≤ 4) | node-agent etcd req/agent (goal ≤ 4)"
                + " | max concurrent restarts (≤ K) | controller peak heap |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CaseResult r : results) {
            BenchCase c = r.c();
            md.append("| ").append(c.agents()).append(" | ").append(c.budget()).append(c.budgetText().endsWith("%") ? " (" + c.budgetText() + ")" : "")
                    .append(" | ").append(millis(c.restart())).append(" + ").append(millis(c.stability()))
                    .append(" | ").append(seconds(c.lowerBound())).append(" | ");
            if (r.rollout().isEmpty()) {
                md.append("failed | — | — | — | — | — | ").append(concurrency(r)).append(" | — |\n");
                continue;
            }
            RolloutFigures rollout = r.rollout().get();
            md.append(rollout.convergence().map(BenchReport::seconds).orElse("did not converge in " + seconds(c.timeout()) + MISSED)).append(" | ");
            md.append(Goals.ratio(c, rollout).map(x -> String.format(Locale.ROOT, "%.2f (≤ %.2f)%s", x, c.ratioGoal(), x > c.ratioGoal() ? MISSED : ""))
                    .orElse("—")).append(" | ");
            String partial = rollout.convergence().isPresent() ? "" : " †";
            md.append(String.format(Locale.ROOT, "%.1f s%s", rollout.window().controllerCpu(), partial)).append(" | ");
            double cpu = Goals.cpuMsPerAgent(c, rollout);
            md.append(String.format(Locale.ROOT, "%.2f ms%s%s", cpu, partial, cpu >= Goals.CPU_MS_PER_AGENT ? MISSED : "")).append(" | ");
            double controller = Goals.controllerRequestsPerAgent(c, rollout);
            md.append(String.format(Locale.ROOT, "%.1f%s%s", controller, partial, controller > Goals.CONTROLLER_REQUESTS_PER_AGENT ? MISSED : ""))
                    .append(" | ");
            double node = Goals.nodeRequestsPerAgent(c, rollout);
            md.append(String.format(Locale.ROOT, "%.1f%s%s", node, partial, node > Goals.NODE_REQUESTS_PER_AGENT ? MISSED : "")).append(" | ");
            md.append(concurrency(r)).append(" | ").append(mib(rollout.peakHeap())).append(" |\n");
        }
        boolean partial = results.stream().anyMatch(r -> r.rollout().isPresent() && r.rollout().get().convergence().isEmpty());
        md.append(partial ? "\n† measured until the timeout.\n\n" : "\n");
    }

    private static String concurrency(CaseResult r) {
        return r.maxConcurrent() + (r.maxConcurrent() > r.c().budget() ? " ✗ SAFETY" : "");
    }

    private static void edits(StringBuilder md, List<CaseResult> results) {
        List<CaseResult> with = results.stream().filter(r -> r.edits().isPresent()).toList();
        if (with.isEmpty()) {
            return;
        }
        md.append("## Spec edit → first plan written\n\n");
        md.append("Each edit changes `spec.node.image` (the node step's hash; no restart) after convergence; timed from its `put`"
                + " until the first plan at its revision reached a node agent's watch, and until the controller reported Ready.\n\n");
        md.append("| N | edits | first plan p50 | first plan p99 (goal < 1 s) | first plan max | Ready p50 | Ready max"
                + " | per edit: keys written | per edit: MiB to etcd | per edit: controller CPU |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (CaseResult r : with) {
            EditFigures e = r.edits().get();
            Optional<Duration> p99 = Goals.percentile(e.firstPlan(), 99);
            md.append("| ").append(r.c().agents()).append(" | ").append(e.firstPlan().size())
                    .append(e.firstPlan().size() < e.requested() ? " of " + e.requested() + MISSED : "")
                    .append(" | ").append(Goals.percentile(e.firstPlan(), 50).map(BenchReport::millis).orElse("—"))
                    .append(" | ").append(p99.map(d -> millis(d) + (d.compareTo(Goals.EDIT_P99) >= 0 ? MISSED : "")).orElse("—"))
                    .append(" | ").append(Goals.percentile(e.firstPlan(), 100).map(BenchReport::millis).orElse("—"))
                    .append(" | ").append(Goals.percentile(e.ready(), 50).map(BenchReport::millis).orElse("—"))
                    .append(" | ").append(Goals.percentile(e.ready(), 100).map(BenchReport::millis).orElse("—"));
            int done = Math.max(1, e.ready().size());
            md.append(String.format(Locale.ROOT, " | %.0f | %.2f | %.2f s |%n", e.window().etcdKeyWrites() / done,
                    e.window().etcdReceivedBytes() / MIB / done, e.window().controllerCpu() / done));
        }
        md.append('\n');
    }

    private static void idle(StringBuilder md, List<CaseResult> results) {
        List<CaseResult> with = results.stream().filter(r -> r.idle().isPresent()).toList();
        if (with.isEmpty()) {
            return;
        }
        md.append("## Idle\n\n");
        md.append("The converged controller left alone; heap measured after a full GC (`jcmd GC.run`).\n\n");
        md.append("| N | idle | controller CPU (goal < 5 % of a core) | heap after GC (goal < 512 MiB) | peak heap since start"
                + " | controller etcd writes/s (goal < 1) | controller etcd requests/s | etcd revisions/s (all writers) | node-agent plan reads/s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (CaseResult r : with) {
            IdleFigures idle = r.idle().get();
            Snapshot.Window w = idle.window();
            double cpu = Goals.idleCpuPercent(idle);
            double writes = Goals.idleWritesPerSecond(idle);
            md.append("| ").append(r.c().agents()).append(" | ").append(seconds(w.wall()))
                    .append(String.format(Locale.ROOT, " | %.2f %%%s", cpu, cpu >= Goals.IDLE_CPU_PERCENT ? MISSED : ""))
                    .append(" | ").append(mib(idle.heapAfterGc())).append(idle.heapAfterGc() >= Goals.IDLE_HEAP_BYTES ? MISSED : "")
                    .append(" | ").append(mib(idle.peakHeap()))
                    .append(String.format(Locale.ROOT, " | %.2f%s", writes, writes >= Goals.IDLE_WRITES_PER_SECOND ? MISSED : ""))
                    .append(String.format(Locale.ROOT, " | %.2f | %.2f | %.1f |%n", w.controllerRequestTotal() / w.seconds(),
                            w.etcdRevisions() / w.seconds(), w.nodes().gets() / w.seconds()));
        }
        md.append('\n');
    }

    private static void details(StringBuilder md, List<CaseResult> results, int cores, long controllerMaxHeap) {
        md.append("## Cases in detail\n\n");
        for (CaseResult r : results) {
            BenchCase c = r.c();
            md.append("### ").append(c.text()).append(" (K = ").append(c.budget()).append(")\n\n");
            md.append("- outcome: ").append(r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .append(r.outcome() == CaseResult.Outcome.CONVERGED ? "" : ": " + r.detail()).append('\n');
            r.rollout().ifPresent(rollout -> rolloutDetail(md, c, rollout));
            md.append("- restarts taken by the node agents: ").append(r.restarts()).append(", at most ").append(r.maxConcurrent())
                    .append(" at once (K = ").append(c.budget()).append(")\n");
            r.nodeAgentFailure().ifPresent(f -> md.append("- simulated node agents, first failed request: ").append(f).append('\n'));
            if (!r.trouble().isEmpty()) {
                md.append("- controller log (WARN/ERROR, distinct, first seen first):\n");
                r.trouble().forEach(line -> md.append("  - `").append(line.replace('`', '\'')).append("`\n"));
            }
            List<String> missed = Goals.missed(r);
            if (!missed.isEmpty()) {
                md.append("- goals missed: ").append(String.join("; ", missed)).append('\n');
                md.append("- what broke first (the harness's evidence, strongest first):\n");
                List<String> evidence = Diagnosis.of(r, cores, controllerMaxHeap);
                if (evidence.isEmpty()) {
                    md.append("  - nothing the harness measures was saturated\n");
                }
                evidence.forEach(e -> md.append("  - ").append(e).append('\n'));
            }
            md.append('\n');
        }
    }

    private static void rolloutDetail(StringBuilder md, BenchCase c, RolloutFigures rollout) {
        Snapshot.Window w = rollout.window();
        md.append("- first plan at the new revision after ").append(rollout.firstPlan().map(BenchReport::millis).orElse("—"))
                .append("; every agent done after ").append(rollout.agentsDone().map(BenchReport::seconds).orElse("—"))
                .append("; Ready after ").append(rollout.convergence().map(BenchReport::seconds).orElse("—")).append('\n');
        md.append(String.format(Locale.ROOT, "- controller: %.1f s CPU over %.1f s (%.2f cores); %.0f passes, %.0f ms each on average,"
                        + " loop busy %.0f %% of the rollout; %.0f failed passes%n", w.controllerCpu(), w.seconds(), w.controllerCpu() / w.seconds(),
                w.passes(), w.passSeconds() * 1000 / w.passes(), w.passSeconds() / w.seconds() * 100, w.passErrors()));
        md.append("- controller etcd requests: ").append(String.format(Locale.ROOT, "%.0f", w.controllerRequestTotal())).append(" (")
                .append(w.controllerRequests().entrySet().stream().filter(e -> e.getValue() > 0)
                        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")))
                .append("; the leader election's requests are not counted)\n");
        md.append(String.format(Locale.ROOT, "- node agents: %d plan reads, %d report writes (%.1f + %.1f per agent)%n", w.nodes().gets(),
                w.nodes().puts(), (double) w.nodes().gets() / c.agents(), (double) w.nodes().puts() / c.agents()));
        md.append(String.format(Locale.ROOT, "- etcd: %.1f s CPU (%.2f cores), %.0f requests from everyone (%.0f/s), %d revisions,"
                        + " %.0f keys written, %.1f MiB received, %.1f MiB sent (answers and watch events)%n", w.etcdCpu(),
                w.etcdCpu() / w.seconds(), w.etcdRequests(), w.etcdRequests() / w.seconds(), w.etcdRevisions(), w.etcdKeyWrites(),
                w.etcdReceivedBytes() / MIB, w.etcdSentBytes() / MIB));
        md.append(String.format(Locale.ROOT, "- benchmark JVM (simulated master, node agents): %.1f s CPU (%.2f cores)%n", w.benchCpu(),
                w.benchCpu() / w.seconds()));
        md.append(String.format(Locale.ROOT, "- machine: %.2f cores busy on average, %.2f of them other processes; load average %.1f at the end%n",
                w.machineCpu() / w.seconds(), w.otherCpu() / w.seconds(), rollout.loadAverage()));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String millis(Duration d) {
        return d.toMillis() >= 10_000 ? seconds(d) : d.toMillis() + " ms";
    }

    static String mib(long bytes) {
        return bytes <= 0 ? "—" : bytes / (1024 * 1024) + " MiB";
    }
}
