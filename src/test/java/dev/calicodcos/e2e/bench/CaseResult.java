package dev.calicodcos.e2e.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one case measured. A case that did not converge keeps the figures measured until its timeout;
 * a case that failed (the harness could not run it) keeps what it had.
 *
 * @param detail         why a case did not converge or failed, and the controller's last status then
 * @param maxConcurrent  the most restarts in progress at once, over the whole case, from the node agents' records
 * @param trouble        the controller log's WARN/ERROR lines (distinct, in order, with counts)
 */
record CaseResult(BenchCase c, Outcome outcome, String detail, Optional<RolloutFigures> rollout, Optional<IdleFigures> idle,
                  Optional<EditFigures> edits, int maxConcurrent, int restarts, List<String> trouble,
                  Optional<String> nodeAgentFailure) {

    enum Outcome { CONVERGED, DID_NOT_CONVERGE, FAILED }

    CaseResult {
        trouble = List.copyOf(trouble);
    }

    /**
     * The rollout from the spec's {@code put} to the controller's Ready status at that revision.
     *
     * @param convergence empty when it did not converge (the window then ends at the timeout)
     * @param firstPlan   until the first plan at the new revision reached a node agent's watch
     * @param agentsDone  until the last agent reported every step done
     * @param peakHeap    the controller's peak heap since it started, read at the window's end
     * @param loadAverage the machine's 1-minute load average at the window's end
     */
    record RolloutFigures(Optional<Duration> convergence, Optional<Duration> firstPlan, Optional<Duration> agentsDone,
                          Snapshot.Window window, long peakHeap, double loadAverage) {}

    /** The converged controller left alone for {@code window.wall()}. */
    record IdleFigures(Snapshot.Window window, long heapAfterGc, long peakHeap, Optional<String> stopped) {}

    /**
     * Spec edits, each timed from its {@code put} until the first plan at its revision reached a node
     * agent's watch, and until the controller reported Ready at it.
     *
     * @param window  the whole phase, for what the edits cost (keys and bytes written, controller CPU)
     * @param stopped why the phase ended before {@code requested} edits, if it did
     */
    record EditFigures(int requested, List<Duration> firstPlan, List<Duration> ready, Snapshot.Window window, Optional<String> stopped) {
        EditFigures {
            firstPlan = List.copyOf(firstPlan);
            ready = List.copyOf(ready);
        }
    }
}
