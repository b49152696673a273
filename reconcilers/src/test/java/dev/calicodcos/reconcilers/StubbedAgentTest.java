package dev.calicodcos.reconcilers;

import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runner behaviour that needs no real engine: pre-flight blockers, Docker ≥ 23, no engine at all, a paused plan. */
class StubbedAgentTest {
    private Path root;
    private RecordingServices services;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        Files.createDirectories(root.resolve("etc/docker"));
        Files.createDirectories(root.resolve("opt/mesosphere/etc/calico"));
        services = new RecordingServices(Clock.systemUTC()).active("docker", Instant.now().minus(Duration.ofHours(1)));
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
    }

    private StepRunner runner(Optional<String> dockerVersion) {
        return StubbedHosts.runner(root, services, dockerVersion);
    }

    @Test
    void dockerFrom23OnIsUnsupportedAndUntouched() throws IOException {
        AgentReport report = runner(Optional.of("24.0.7")).runOnce(plan(TestSpecs.ONLY_DOCKER), Optional.empty());

        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.UNSUPPORTED);
        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).reason()).contains("DockerTooNew");
        assertThat(Files.exists(root.resolve("etc/docker/daemon.json"))).isFalse();
        assertThat(services.calls()).isEmpty();
    }

    @Test
    void aDcosWithItsOwnCalicoBlocksEveryStep() throws IOException {
        Files.writeString(root.resolve("opt/mesosphere/etc/calico/calico_enabled"), "");

        AgentReport report = runner(Optional.of("20.10.24")).runOnce(plan(TestSpecs.ONLY_DOCKER), Optional.empty());

        assertThat(report.blockers()).singleElement().asString().startsWith("NativeCalico");
        assertThat(report.facts().nativeCalico()).isTrue();
        assertThat(report.steps().values()).allMatch(s -> s.phase() == StepPhase.BLOCKED);
        assertThat(Files.exists(root.resolve("etc/docker/daemon.json"))).isFalse();
    }

    @Test
    void aPausedPlanStartsNothing() {
        ResolvedPlan paused = new ResolvedPlan(new AgentPlan("agent-1", 1, Map.of(), Optional.empty(), true, false), plan(TestSpecs.ONLY_DOCKER).spec());

        AgentReport report = runner(Optional.of("20.10.24")).runOnce(paused, Optional.empty());

        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.PENDING);
        assertThat(Files.exists(root.resolve("etc/docker/daemon.json"))).isFalse();
    }

    @Test
    void aPausedPlanHoldingANewRevisionBackKeepsReportingTheRevisionReached() {
        ResolvedPlan first = new ResolvedPlan(new AgentPlan("agent-1", 1, Map.of(), Optional.empty(), false, false), plan(TestSpecs.ONLY_DOCKER).spec());
        AgentReport reached = runner(Optional.of("20.10.24")).runOnce(first, Optional.empty());
        ResolvedPlan pausedNext = new ResolvedPlan(new AgentPlan("agent-1", 2, Map.of(), Optional.empty(), true, false), plan(TestSpecs.ONLY_DOCKER).spec());

        AgentReport report = runner(Optional.of("20.10.24")).runOnce(pausedNext, Optional.of(reached));

        assertThat(reached.specRevision()).isEqualTo(1);
        assertThat(report.specRevision()).as("revision 2 has not started").isEqualTo(1);
        assertThat(step(reached, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).phase()).as("the held-back restart is given up").isEqualTo(StepPhase.PENDING);
        reached.steps().forEach((name, before) -> {
            if (name != StepName.DOCKER_CLUSTER_STORE) {
                assertThat(report.steps().get(name)).as(name + " stands where revision 1 left it").isEqualTo(before);
            }
        });
    }

    @Test
    void aPausedPlanGivesUpARestartWaitingForThePreviousSpecSoTheLeaderGetsItsGrantBack() {
        ResolvedPlan first = new ResolvedPlan(new AgentPlan("agent-1", 1, Map.of(StepName.DOCKER_CLUSTER_STORE, "h1"), Optional.empty(),
                false, false), plan(TestSpecs.ONLY_DOCKER).spec());
        AgentReport ran = runner(Optional.of("20.10.24")).runOnce(first, Optional.empty());
        Map<StepName, StepReport> steps = new java.util.EnumMap<>(ran.steps());
        steps.put(StepName.DOCKER_CLUSTER_STORE, new StepReport(StepPhase.AWAITING_RESTART, "h1", Optional.empty(),
                Optional.of("AwaitingRestartGrant"), "waiting for a restart grant", java.time.Instant.now()));
        AgentReport awaiting = new AgentReport("agent-1", ran.nodeAgentVersion(), 1, ran.facts(), ran.blockers(), steps, ran.updatedAt());
        ResolvedPlan heldBack = new ResolvedPlan(new AgentPlan("agent-1", 2, Map.of(StepName.DOCKER_CLUSTER_STORE, "h2"), Optional.empty(),
                true, false), plan(TestSpecs.ONLY_DOCKER).spec());

        AgentReport report = runner(Optional.of("20.10.24")).runOnce(heldBack, Optional.of(awaiting));

        StepReport store = step(report, StepName.DOCKER_CLUSTER_STORE);
        assertThat(store.phase()).isEqualTo(StepPhase.PENDING);
        assertThat(store.desiredHash()).as("not the granted hash any more: the leader releases the grant").isNotEqualTo("h1");
        assertThat(report.specRevision()).as("revision 2 has still not started").isEqualTo(1);
    }

    @Test
    void laterStepsWaitForAnEarlierOneThatIsNotDone() {
        ResolvedPlan plan = plan(TestSpecs.ONLY_DOCKER.replace("node: {enabled: false}", "node: {privileged: false}"));

        AgentReport report = runner(Optional.empty()).runOnce(plan, Optional.empty());

        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).reason()).contains("DockerNotRunning");
        assertThat(step(report, StepName.NODE).phase()).isEqualTo(StepPhase.PENDING);
        assertThat(step(report, StepName.NODE).message()).contains("dockerClusterStore");
    }

    @Test
    void aStepThatKeepsFailingTheSameWayLogsItsStackTraceOnlyTheFirstTime() {
        StepRunner runner = runner(Optional.empty());
        ResolvedPlan plan = plan(TestSpecs.ONLY_DOCKER);

        try (LogCapture logs = LogCapture.of(StepRunner.class)) {
            Optional<AgentReport> last = Optional.empty();
            for (int pass = 0; pass < 3; pass++) {
                last = Optional.of(runner.runOnce(plan, last));
            }

            List<ILoggingEvent> docker = logs.events().stream()
                    .filter(e -> e.getFormattedMessage().contains("step=dockerClusterStore")).toList();
            assertThat(docker).hasSize(3).allSatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("reason=DockerNotRunning", "docker does not answer"));
            assertThat(docker).extracting(e -> e.getThrowableProxy() != null).containsExactly(true, false, false);
        }
    }
}
