package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the scheduler driver; {@link #defaults} follows the reference's recommendations.
 *
 * @param missedHeartbeats       heartbeats that may be missed before the stream is declared dead
 *                               (plus half an interval of slack for network jitter)
 * @param subscribeTimeout       how long to wait for {@code SUBSCRIBED} after sending {@code SUBSCRIBE}
 * @param autoAcknowledge        acknowledge updates with a uuid once the listener returned normally
 */
public record SchedulerDriverConfig(MasterEndpoint endpoint, FrameworkInfo framework,
                                   Duration connectTimeout, Duration callTimeout, Duration subscribeTimeout,
                                   int missedHeartbeats, Duration initialBackoff, Duration maxBackoff,
                                   int maxRedirects, long maxRecordBytes, Duration minReviveInterval,
                                   Duration explicitReconcileRetry, Duration maxExplicitReconcileRetry,
                                   Duration implicitReconcileInterval, boolean autoAcknowledge) {

    public SchedulerDriverConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(framework, "framework");
        if (missedHeartbeats < 1) {
            throw new IllegalArgumentException("missedHeartbeats must be at least 1");
        }
    }

    /**
     * The record limit: one OFFERS event carries every offer of an allocation round, so after a REVIVE at
     * 10,000 agents it holds 10,000 offers of about 1 KB (measured on the simulator: 1,028 bytes with four
     * resources and six port ranges), 10 MB; 64 MiB leaves six times that.
     */
    public static SchedulerDriverConfig defaults(MasterEndpoint endpoint, FrameworkInfo framework) {
        return new SchedulerDriverConfig(endpoint, framework,
                Duration.ofSeconds(5), Duration.ofSeconds(75), Duration.ofSeconds(30),
                2, Duration.ofSeconds(2), Duration.ofSeconds(30),
                3, 64L * 1024 * 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(8), Duration.ofSeconds(30),
                Duration.ofHours(1), true);
    }

    public SchedulerDriverConfig withBackoff(Duration initial, Duration max) {
        return new SchedulerDriverConfig(endpoint, framework, connectTimeout, callTimeout, subscribeTimeout,
                missedHeartbeats, initial, max, maxRedirects, maxRecordBytes, minReviveInterval,
                explicitReconcileRetry, maxExplicitReconcileRetry, implicitReconcileInterval, autoAcknowledge);
    }

    public SchedulerDriverConfig withReconciliation(Duration explicitRetry, Duration maxExplicitRetry, Duration implicitInterval) {
        return new SchedulerDriverConfig(endpoint, framework, connectTimeout, callTimeout, subscribeTimeout,
                missedHeartbeats, initialBackoff, maxBackoff, maxRedirects, maxRecordBytes, minReviveInterval,
                explicitRetry, maxExplicitRetry, implicitInterval, autoAcknowledge);
    }

    public SchedulerDriverConfig withMinReviveInterval(Duration value) {
        return new SchedulerDriverConfig(endpoint, framework, connectTimeout, callTimeout, subscribeTimeout,
                missedHeartbeats, initialBackoff, maxBackoff, maxRedirects, maxRecordBytes, value,
                explicitReconcileRetry, maxExplicitReconcileRetry, implicitReconcileInterval, autoAcknowledge);
    }

    public SchedulerDriverConfig withSubscribeTimeout(Duration value) {
        return new SchedulerDriverConfig(endpoint, framework, connectTimeout, callTimeout, value,
                missedHeartbeats, initialBackoff, maxBackoff, maxRedirects, maxRecordBytes, minReviveInterval,
                explicitReconcileRetry, maxExplicitReconcileRetry, implicitReconcileInterval, autoAcknowledge);
    }

    /** Time without any event after which the subscription is considered dead. */
    Duration heartbeatTimeout(Duration interval) {
        return interval.multipliedBy(missedHeartbeats).plus(interval.dividedBy(2));
    }
}
