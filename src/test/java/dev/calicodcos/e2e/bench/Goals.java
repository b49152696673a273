package dev.calicodcos.e2e.bench;

import dev.calicodcos.e2e.bench.CaseResult.EditFigures;
import dev.calicodcos.e2e.bench.CaseResult.IdleFigures;
import dev.calicodcos.e2e.bench.CaseResult.RolloutFigures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Issue 11's goals, and each case's figures against them. */
final class Goals {
    static final double CPU_MS_PER_AGENT = 5;
    static final double CONTROLLER_REQUESTS_PER_AGENT = 4;
    static final double NODE_REQUESTS_PER_AGENT = 4;
    static final Duration EDIT_P99 = Duration.ofSeconds(1);
    static final double IDLE_CPU_PERCENT = 5;
    static final long IDLE_HEAP_BYTES = 512L * 1024 * 1024;
    static final double IDLE_WRITES_PER_SECOND = 1;

    private Goals() {}

    static Optional<Double> ratio(BenchCase c, RolloutFigures r) {
        return r.convergence().map(d -> (double) d.toMillis() / c.lowerBound().toMillis());
    }

    static double cpuMsPerAgent(BenchCase c, RolloutFigures r) {
        return r.window().controllerCpu() * 1000 / c.agents();
    }

    static double controllerRequestsPerAgent(BenchCase c, RolloutFigures r) {
        return r.window().controllerRequestTotal() / c.agents();
    }

    static double nodeRequestsPerAgent(BenchCase c, RolloutFigures r) {
        return (double) r.window().nodes().requests() / c.agents();
    }

    static double idleCpuPercent(IdleFigures idle) {
        return idle.window().controllerCpu() / idle.window().seconds() * 100;
    }

    static double idleWritesPerSecond(IdleFigures idle) {
        return idle.window().controllerWrites() / idle.window().seconds();
    }

    /** Nearest-rank percentile: the smallest sample with at least p % of the samples at or below it. */
    static Optional<Duration> percentile(List<Duration> samples, double p) {
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        List<Duration> sorted = samples.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return Optional.of(sorted.get(Math.max(0, rank - 1)));
    }

    /** Every goal {@code r} misses, said in one line each. */
    static List<String> missed(CaseResult r) {
        List<String> out = new ArrayList<>();
        BenchCase c = r.c();
        switch (r.outcome()) {
            case DID_NOT_CONVERGE -> out.add(r.detail().split(";")[0]); // "did not converge within …" or "… the controller exited …"
            case FAILED -> out.add("the case failed: " + r.detail());
            case CONVERGED -> { }
        }
        if (r.maxConcurrent() > c.budget()) {
            out.add("SAFETY: " + r.maxConcurrent() + " restarts at once with K = " + c.budget());
        }
        r.rollout().ifPresent(rollout -> {
            ratio(c, rollout).filter(x -> x > c.ratioGoal())
                    .ifPresent(x -> out.add(String.format("convergence %.2f × the lower bound (goal ≤ %.2f)", x, c.ratioGoal())));
            if (cpuMsPerAgent(c, rollout) >= CPU_MS_PER_AGENT) {
                out.add(String.format("controller CPU %.1f ms per agent rolled (goal < %.0f ms)", cpuMsPerAgent(c, rollout), CPU_MS_PER_AGENT));
            }
            if (controllerRequestsPerAgent(c, rollout) > CONTROLLER_REQUESTS_PER_AGENT) {
                out.add(String.format("controller etcd requests %.1f per agent (goal ≤ %.0f)", controllerRequestsPerAgent(c, rollout),
                        CONTROLLER_REQUESTS_PER_AGENT));
            }
            if (nodeRequestsPerAgent(c, rollout) > NODE_REQUESTS_PER_AGENT) {
                out.add(String.format("node-agent etcd requests %.1f per agent (goal ≤ %.0f)", nodeRequestsPerAgent(c, rollout),
                        NODE_REQUESTS_PER_AGENT));
            }
        });
        r.edits().ifPresent(edits -> missedEdits(edits, out));
        r.idle().ifPresent(idle -> missedIdle(idle, out));
        return out;
    }

    private static void missedEdits(EditFigures edits, List<String> out) {
        percentile(edits.firstPlan(), 99).filter(p99 -> p99.compareTo(EDIT_P99) >= 0)
                .ifPresent(p99 -> out.add("spec edit → first plan p99 " + BenchReport.millis(p99) + " (goal < 1 s)"));
        edits.stopped().ifPresent(why -> out.add("spec edits stopped: " + why));
    }

    private static void missedIdle(IdleFigures idle, List<String> out) {
        if (idleCpuPercent(idle) >= IDLE_CPU_PERCENT) {
            out.add(String.format("idle controller CPU %.1f %% of a core (goal < %.0f %%)", idleCpuPercent(idle), IDLE_CPU_PERCENT));
        }
        if (idle.heapAfterGc() >= IDLE_HEAP_BYTES) {
            out.add("idle controller heap " + BenchReport.mib(idle.heapAfterGc()) + " after GC (goal < 512 MiB)");
        }
        if (idleWritesPerSecond(idle) >= IDLE_WRITES_PER_SECOND) {
            out.add(String.format("idle controller writes %.2f /s (goal < 1 /s)", idleWritesPerSecond(idle)));
        }
        idle.stopped().ifPresent(why -> out.add("idle phase stopped: " + why));
    }
}
