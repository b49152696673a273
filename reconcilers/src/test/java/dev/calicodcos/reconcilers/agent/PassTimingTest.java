package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the node agent looks again: backoff for what waiting can fix, a slow look for what needs a person. */
class PassTimingTest {
    private static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Duration BUSY = Duration.ofSeconds(2);
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);

    private final PassTiming timing = timing(RESYNC);

    @Test
    void aFailureThatWaitingCanFixIsRetriedWithExponentialBackoff() {
        AgentReport dockerDown = report(Map.of(StepName.DOCKER_CLUSTER_STORE, failed("DockerNotRunning")));

        List<Duration> waits = List.of(timing.after(dockerDown), timing.after(dockerDown), timing.after(dockerDown));

        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) {
            timing.after(dockerDown);
        }
        assertThat(timing.after(dockerDown)).isEqualTo(PassTiming.MAX_BACKOFF);
    }

    @Test
    void aPassThatFailedOutrightIsRetriedWithBackoffButWithinAThirdOfTheReportsLease() {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waits.add(timing.afterPassFailure());
        }

        assertThat(waits).startsWith(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(waits).as("the lease is %s", LEASE_TTL).endsWith(LEASE_TTL.dividedBy(3), LEASE_TTL.dividedBy(3));
    }

    @Test
    void aFailureOnlyAPersonCanFixWaitsTheLongestBackoffAtOnce() {
        AgentReport conflict = report(Map.of(StepName.DOCKER_CLUSTER_STORE, failed("ClusterStoreConflict")));

        assertThat(timing.after(conflict)).isEqualTo(PassTiming.MAX_BACKOFF);
        assertThat(timing.after(conflict)).isEqualTo(PassTiming.MAX_BACKOFF);
    }

    @Test
    void oneFailureThatWaitingCanFixIsEnoughForQuickRetries() {
        AgentReport both = report(Map.of(StepName.ETCD_PROXY, failed("ChecksumMismatch"),
                StepName.DOCKER_CLUSTER_STORE, failed("DockerNotRunning")));

        assertThat(timing.after(both)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aReasonOfAnotherVersionIsTakenAsOneThatWaitingMayFix() {
        assertThat(timing.after(report(Map.of(StepName.CNI, failed("SomethingNew"))))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void successResetsTheBackoff() {
        AgentReport dockerDown = report(Map.of(StepName.DOCKER_CLUSTER_STORE, failed("DockerNotRunning")));
        timing.after(dockerDown);
        timing.after(dockerDown);

        assertThat(timing.after(report(Map.of(StepName.DOCKER_CLUSTER_STORE, step(StepPhase.DONE, Optional.empty())))))
                .isEqualTo(RESYNC);
        assertThat(timing.after(dockerDown)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void busyStepsAreLookedAtSoonAndSettledOrBlockedOnesAtTheResync() {
        assertThat(timing.after(report(Map.of(StepName.CNI, step(StepPhase.APPLYING, Optional.empty()))))).isEqualTo(BUSY);
        assertThat(timing.after(report(Map.of(StepName.CNI, step(StepPhase.RESTARTING, Optional.empty()))))).isEqualTo(BUSY);
        assertThat(timing.after(report(Map.of(StepName.CNI, step(StepPhase.BLOCKED, Optional.of("NativeCalico"))))))
                .isEqualTo(RESYNC);
        assertThat(timing.after(report(Map.of(StepName.CNI, step(StepPhase.UNSUPPORTED, Optional.of("DockerTooNew"))))))
                .isEqualTo(RESYNC);
    }

    @Test
    void stepsWaitingOnlyForTheLeaderWaitForThePlanToChangeNotForARecheck() {
        // The grant (or the resume) arrives as a plan change, which wakes the agent at once.
        assertThat(timing.after(report(Map.of(StepName.DOCKER_CLUSTER_STORE, step(StepPhase.AWAITING_RESTART, Optional.of("AwaitingRestartGrant")),
                StepName.CNI, step(StepPhase.PENDING, Optional.empty()))))).isEqualTo(RESYNC);
    }

    @Test
    void aResyncLongerThanTheLongestBackoffIsKeptForFailuresOnlyAPersonCanFix() {
        PassTiming slow = timing(Duration.ofMinutes(10));

        assertThat(slow.after(report(Map.of(StepName.CNI, failed("CniNetworkNameClash"))))).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void everyFailureReasonIsEitherRetriedQuicklyOrSlowlyAsItsVocabularySays() {
        for (StepReason reason : StepReason.values()) {
            if (reason.phase() != StepPhase.FAILED) {
                continue;
            }
            assertThat(timing(RESYNC).after(report(Map.of(StepName.NODE, failed(reason.token())))))
                    .as(reason.token()).isEqualTo(reason.retryable() ? Duration.ofMillis(500) : PassTiming.MAX_BACKOFF);
        }
    }

    private static PassTiming timing(Duration resync) {
        return new PassTiming(new NodeAgentConfig("agent-1", new ClusterKeys(ClusterKeys.DEFAULT_PREFIX, "default"), resync, BUSY,
                LEASE_TTL));
    }

    private static StepReport failed(String reason) {
        return step(StepPhase.FAILED, Optional.of(reason));
    }

    private static StepReport step(StepPhase phase, Optional<String> reason) {
        return new StepReport(phase, "h", Optional.empty(), reason, "", Instant.EPOCH);
    }

    private static AgentReport report(Map<StepName, StepReport> steps) {
        AgentFacts facts = new AgentFacts("node-1", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false);
        return new AgentReport("agent-1", "test", 1, facts, List.of(), new EnumMap<>(steps), Instant.EPOCH);
    }
}
