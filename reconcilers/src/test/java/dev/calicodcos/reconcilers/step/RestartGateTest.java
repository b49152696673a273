package dev.calicodcos.reconcilers.step;

import static dev.calicodcos.reconcilers.TestHost.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.RecordingServices;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.testkit.MovableClock;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The restart rule on its own, with an in-memory systemd and a clock the test moves. */
class RestartGateTest {
    private static final AgentFacts FACTS = new AgentFacts("agent-1", Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), false, false);

    private Path root;
    private MovableClock clock;
    private RecordingServices services;
    private RestartGate gate;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        clock = MovableClock.at(Instant.parse("2026-01-01T10:00:00.500Z"));
        services = new RecordingServices(clock).active("docker", clock.instant().minus(Duration.ofHours(1)));
        RootedFiles files = new RootedFiles(root);
        gate = new RestartGate(files, services, clock, CrashPoints.NONE, new DisruptionLog(files, clock));
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
    }

    private static StepContext context(Optional<RestartGrant> grant) {
        ResolvedPlan plan = plan("rollout: {stabilityPeriod: 10s, restartTimeout: 1m}").withRestartGrant(grant);
        return new StepContext(plan, FACTS, Optional.empty());
    }

    private static Optional<RestartGrant> grant(String hash) {
        return Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, hash, Instant.EPOCH));
    }

    @Test
    void withoutAGrantForThisHashItOnlyAsks() {
        StepOutcome none = gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), context(Optional.empty()));
        StepOutcome otherHash = gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), context(grant("h0")));

        assertThat(none.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(otherHash.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(services.calls()).isEmpty();
    }

    @Test
    void aGrantedRestartHappensOnceAndIsDoneAfterTheStabilityPeriod() {
        StepContext granted = context(grant("h1"));

        assertThat(gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), granted).phase())
                .isEqualTo(StepPhase.RESTARTING);
        Instant restartedAt = clock.instant();
        clock.advance(Duration.ofSeconds(5));
        assertThat(gate.progress(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", granted))
                .isInstanceOf(RestartGate.Progress.Waiting.class);
        assertThat(gate.nextStableAt()).as("when the agent should look again").isPresent().get()
                .satisfies(at -> assertThat(at).isBetween(restartedAt.plusSeconds(9), restartedAt.plusSeconds(11)));
        clock.advance(Duration.ofSeconds(6));
        assertThat(gate.progress(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", granted))
                .isInstanceOf(RestartGate.Progress.Stable.class);
        assertThat(gate.nextStableAt()).isEmpty();
        assertThat(services.calls()).containsExactly("restart docker");
    }

    @Test
    void aDrainGrantHoldsTheSlotWithoutRestartingUntilItsNotBeforeTime() {
        Instant until = clock.instant().plusSeconds(90);
        StepContext draining = context(Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, "h1", clock.instant(), Optional.of(until))));

        StepOutcome waiting = gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), draining);

        assertThat(waiting.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(waiting.reason()).contains(StepReason.DRAINING);
        assertThat(waiting.message()).isEqualTo("draining workloads until " + until + " (rollout.drain.timeout 10m); then restarts docker");
        assertThat(gate.nextStableAt()).as("it looks again when the drain ends").contains(until);
        assertThat(services.calls()).isEmpty();
        assertThat(gate.underWayAt(StepName.DOCKER_CLUSTER_STORE)).isEmpty();

        clock.advance(Duration.ofSeconds(90));
        assertThat(gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), draining).phase())
                .isEqualTo(StepPhase.RESTARTING);
        assertThat(services.calls()).containsExactly("restart docker");
    }

    @Test
    void aDrainTheLeaderEndedEarlyRestartsAtOnce() {
        Instant granted = clock.instant();
        StepContext released = context(Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, "h1", granted,
                Optional.of(granted))));

        assertThat(gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), released).phase())
                .isEqualTo(StepPhase.RESTARTING);
        assertThat(services.calls()).containsExactly("restart docker");
    }

        @Test
    void aServiceThatDoesNotComeBackFailsAfterTheRestartTimeout() {
        StepContext granted = context(grant("h1"));
        gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), granted);
        services.inactive("docker");

        clock.advance(Duration.ofMinutes(2));
        RestartGate.Progress progress = gate.progress(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", granted);

        assertThat(progress).isInstanceOfSatisfying(RestartGate.Progress.Waiting.class,
                w -> assertThat(w.outcome().reason()).contains(StepReason.SERVICE_NOT_ACTIVE));
        assertThat(services.calls()).containsExactly("restart docker");
    }

    @Test
    void aGrantedRestartIsOneDisruptionWindowFromRestartToFinish() throws IOException {
        StepContext granted = context(grant("h1"));
        gate.restart(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", Optional.empty(), granted);
        clock.advance(Duration.ofSeconds(5));
        gate.progress(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", granted);
        clock.advance(Duration.ofSeconds(6));
        assertThat(gate.progress(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", granted)).isInstanceOf(RestartGate.Progress.Stable.class);

        gate.finish(StepName.DOCKER_CLUSTER_STORE);
        gate.finish(StepName.DOCKER_CLUSTER_STORE); // a step finishes every pass it is done

        List<String> lines = Files.readAllLines(root.resolve(DisruptionLog.PATH.substring(1)));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("2026-01-01T10:00:00.500Z begin dockerClusterStore h1 restart docker");
        assertThat(lines.get(1)).contains(" end dockerClusterStore h1 done");
    }

    @Test
    void aMarkerOfAnEarlierVersionIsFollowedUp() throws IOException {
        Files.createDirectories(root.resolve("var/lib/calico-dcos/restarts"));
        Files.writeString(root.resolve("var/lib/calico-dcos/restarts/dockerClusterStore.json"), """
                {"step":"dockerClusterStore","unit":"docker","hash":"h1","state":"RESTARTED","issuedAt":"2026-01-01T09:59:40Z"}""");
        services.active("docker", Instant.parse("2026-01-01T09:59:41Z"));

        assertThat(gate.progress(StepName.DOCKER_CLUSTER_STORE, "docker", "h1", context(grant("h1"))))
                .isInstanceOf(RestartGate.Progress.Stable.class);
    }

    @Test
    void aFailedRestartOfAStepWithoutRollbackFailsTheStepAsBefore() {
        Services refusing = (Services) Proxy.newProxyInstance(Services.class.getClassLoader(), new Class<?>[] {Services.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("restart")) {
                        throw new StepFailure(StepReason.SERVICE_COMMAND_FAILED, "systemctl restart " + args[0] + " failed (exit 1)");
                    }
                    return method.invoke(services, args);
                });
        RestartGate failing = new RestartGate(new RootedFiles(root), refusing, clock, CrashPoints.NONE,
                new DisruptionLog(new RootedFiles(root), clock));

        assertThatThrownBy(() -> failing.restart(StepName.CNI, "dcos-mesos-slave", "h1", Optional.empty(),
                context(Optional.of(new RestartGrant(StepName.CNI, "h1", Instant.EPOCH)))))
                .isInstanceOf(StepFailure.class).hasMessageContaining("systemctl restart dcos-mesos-slave failed");
    }
}
