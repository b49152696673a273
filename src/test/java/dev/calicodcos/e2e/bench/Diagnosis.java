package dev.calicodcos.e2e.bench;

import dev.calicodcos.e2e.bench.CaseResult.RolloutFigures;
import java.util.ArrayList;
import java.util.List;

/**
 * For a case that missed a goal, the evidence the harness has of what broke first, strongest first:
 * the controller's own errors, then whichever resource was saturated during the rollout (the
 * controller's reconcile loop, its CPU or heap, etcd, the benchmark's own JVM, the machine), then the
 * time lost per wave when nothing was.
 */
final class Diagnosis {
    /** A process using this share of one core on average was the bottleneck, or close to it. */
    static final double BUSY_CORE = 0.8;
    static final double BUSY_LOOP = 0.8;
    static final double FULL_HEAP = 0.9;
    /** Other work using this much of the machine makes the figures noticeably worse than on a quiet one. */
    static final double SHARED_CORE = 0.5;

    private Diagnosis() {}

    static List<String> of(CaseResult r, int cores, long controllerMaxHeap) {
        List<String> out = new ArrayList<>();
        if (r.outcome() != CaseResult.Outcome.CONVERGED) {
            out.add(r.detail());
        }
        if (!r.trouble().isEmpty()) {
            out.add("controller log, first trouble: " + r.trouble().get(0)
                    + (r.trouble().size() > 1 ? " (" + (r.trouble().size() - 1) + " more kinds below)" : ""));
        }
        r.nodeAgentFailure().ifPresent(f -> out.add("simulated node agents, first failed request: " + f));
        r.rollout().ifPresent(rollout -> saturation(r.c(), rollout, cores, controllerMaxHeap, out));
        return out;
    }

    private static void saturation(BenchCase c, RolloutFigures rollout, int cores, long controllerMaxHeap, List<String> out) {
        Snapshot.Window w = rollout.window();
        double seconds = w.seconds();
        double loop = w.passSeconds() / seconds;
        if (loop >= BUSY_LOOP) {
            out.add(String.format("reconcile loop busy %.0f %% of the rollout (%.0f passes, %.0f ms each on average): passes ran back to back,"
                    + " so the controller's pass time paced the rollout", loop * 100, w.passes(), w.passSeconds() * 1000 / w.passes()));
        }
        if (w.passErrors() > 0) {
            out.add(String.format("%.0f reconcile passes failed during the rollout", w.passErrors()));
        }
        if (w.controllerCpu() / seconds >= BUSY_CORE) {
            out.add(String.format("controller CPU-bound: %.2f cores on average during the rollout", w.controllerCpu() / seconds));
        }
        if (rollout.peakHeap() >= FULL_HEAP * controllerMaxHeap) {
            out.add("controller heap near its limit: peak " + BenchReport.mib(rollout.peakHeap()) + " of " + BenchReport.mib(controllerMaxHeap));
        }
        if (w.etcdCpu() / seconds >= BUSY_CORE) {
            out.add(String.format("etcd busy: %.2f cores on average (%.0f requests/s)", w.etcdCpu() / seconds, w.etcdRequests() / seconds));
        }
        if (w.benchCpu() / seconds >= BUSY_CORE) {
            out.add(String.format("the benchmark's JVM (simulated master and node agents) used %.2f cores on average:"
                    + " the harness, not only the controller, was loaded", w.benchCpu() / seconds));
        }
        double machine = w.machineCpu() / seconds;
        if (machine >= 0.9 * cores) {
            out.add(String.format("the machine's %d cores were saturated: %.2f cores busy on average (controller %.2f, etcd %.2f,"
                    + " benchmark %.2f, other processes %.2f)", cores, machine, w.controllerCpu() / seconds, w.etcdCpu() / seconds,
                    w.benchCpu() / seconds, w.otherCpu() / seconds));
        }
        if (w.otherCpu() / seconds >= SHARED_CORE) {
            out.add(String.format("other processes on this machine used %.2f cores during the rollout (load average %.1f at its end):"
                    + " the times are inflated by a shared machine", w.otherCpu() / seconds, rollout.loadAverage()));
        }
        double nodeRequests = (double) w.nodes().requests() / c.agents();
        if (nodeRequests > Goals.NODE_REQUESTS_PER_AGENT) {
            out.add(String.format("node agents: %.1f plan reads + %.1f report writes per agent; the reads come from each watch event"
                    + " and from the recheck while a step waits for its grant", (double) w.nodes().gets() / c.agents(),
                    (double) w.nodes().puts() / c.agents()));
        }
        rollout.convergence().ifPresent(convergence -> {
            int waves = (c.agents() + c.budget() - 1) / c.budget();
            double lostPerWave = (convergence.toMillis() - c.lowerBound().toMillis()) / (double) waves;
            if (convergence.toMillis() > c.ratioGoal() * c.lowerBound().toMillis()) {
                out.add(String.format("%.0f ms lost per wave on top of S = %d ms (%d waves); first plan after %s",
                        lostPerWave, c.wave().toMillis(), waves, rollout.firstPlan().map(BenchReport::millis).orElse("—")));
            }
        });
    }
}
