package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.agent.StepReport;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.List;

/**
 * How long the node agent waits after a pass (a plan change wakes it earlier, always):
 * <ul>
 * <li>all settled (or blocked): {@code resync}, to repair drift;
 * <li>a step applying or restarting: {@code busyRecheck} (or sooner: the node agent also wakes when a
 *     restarted service's stability period ends);
 * <li>steps waiting only for the leader (a restart grant, an earlier step's grant, a paused plan):
 *     {@code resync}; the grant or the resume arrives as a plan change, which wakes the agent;
 * <li>a failed step that waiting can fix ({@link StepReason#retryable()}): exponential backoff, 0.5 s
 *     doubling up to {@link #MAX_BACKOFF};
 * <li>a pass that failed outright (etcd unreachable): the same backoff, but never longer than a third
 *     of the report's lease. Past the lease the report is gone and the agent shows LOST until the next
 *     try gets through, so that try comes within seconds of etcd's return, not minutes;
 * <li>failed steps that only a person can fix (a checksum, a conflicting file): {@link #MAX_BACKOFF} at
 *     once, or {@code resync} if longer. Quick retries would only repeat the same failure (and its
 *     download); the spec fix comes as a plan change, and a fix on the host is seen within that time.
 * </ul>
 * Not thread-safe: the loop's thread only.
 */
final class PassTiming {
    static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

    private final IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(Duration.ofMillis(500), 2.0, MAX_BACKOFF);
    private final NodeAgentConfig config;
    private int failedPasses;

    PassTiming(NodeAgentConfig config) {
        this.config = config;
    }

    Duration after(AgentReport report) {
        List<StepReport> failed = report.steps().values().stream().filter(s -> s.phase() == StepPhase.FAILED).toList();
        if (failed.stream().anyMatch(PassTiming::retryable)) {
            return afterError();
        }
        if (!failed.isEmpty()) {
            return MAX_BACKOFF.compareTo(config.resync()) >= 0 ? MAX_BACKOFF : config.resync();
        }
        failedPasses = 0;
        boolean busy = report.steps().values().stream().map(StepReport::phase)
                .anyMatch(p -> p == StepPhase.APPLYING || p == StepPhase.RESTARTING);
        return busy ? config.busyRecheck() : config.resync();
    }

    /** After a pass that could not run or report at all. */
    Duration afterPassFailure() {
        Duration backoff = afterError();
        Duration third = config.leaseTtl().dividedBy(3);
        return backoff.compareTo(third) < 0 ? backoff : third;
    }

    private Duration afterError() {
        return Duration.ofMillis(backoff.apply(++failedPasses));
    }

    /** No plan yet: the watch wakes the agent when the leader writes one. */
    Duration withoutPlan() {
        return config.resync();
    }

    /** A reason this node agent does not know (none of its own) is taken as one that waiting may fix. */
    private static boolean retryable(StepReport step) {
        return step.reason().flatMap(StepReason::fromToken).map(StepReason::retryable).orElse(true);
    }
}
