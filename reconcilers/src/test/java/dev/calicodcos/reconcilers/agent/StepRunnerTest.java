package dev.calicodcos.reconcilers.agent;

import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.RecordingServices;
import dev.calicodcos.reconcilers.StubDockerEngine;
import dev.calicodcos.reconcilers.host.LocalCommands;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import dev.calicodcos.testkit.MovableClock;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a report says about a restart still under way on the host when its step is not run this
 * pass (an earlier step fell back) or fails: the leader keeps a granted slot only while the report
 * names the granted hash, and the host is disturbed until the restart's window ends.
 */
class StepRunnerTest {
    /** The docker step's own hash: what it asks a grant for. The plan's hash for the step differs, as it does in production. */
    private static final String OWN_HASH = "rendered-on-the-agent";

    private Path root;
    private MovableClock clock;
    private RecordingServices services;
    private RestartGate gate;
    private Supplier<StepOutcome> first;
    private StepRunner runner;
    private ResolvedPlan granted;
    private boolean dockerFails;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        clock = MovableClock.at(Instant.parse("2026-01-01T10:00:00.500Z"));
        services = new RecordingServices(clock).active("docker", clock.instant().minus(Duration.ofHours(1)));
        RootedFiles files = new RootedFiles(root);
        gate = new RestartGate(files, services, clock, CrashPoints.NONE, new DisruptionLog(files, clock));
        first = () -> StepOutcome.done("proxy", "the etcd proxy answers");
        runner = new StepRunner(List.of(new Scripted(StepName.ETCD_PROXY, () -> first.get()), new RestartingDocker()),
                new Preflight(files, new LocalCommands(Map.of()), new StubDockerEngine(Optional.of("20.10.24")), "agent-1"),
                gate, clock, "test");
        ResolvedPlan plan = plan("etcd: {endpoints: [\"http://127.0.0.1:23790\"]}\nrollout: {stabilityPeriod: 10s, restartTimeout: 1m}");
        assertThat(plan.plan().stepHashes().get(StepName.DOCKER_CLUSTER_STORE)).isNotEqualTo(OWN_HASH);
        granted = plan.withRestartGrant(Optional.of(new RestartGrant(StepName.DOCKER_CLUSTER_STORE, OWN_HASH, clock.instant())));
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
    }

    @Test
    void aRestartUnderWayBehindAnEarlierStepThatFellBackIsReportedAtItsGrantedHashUntilItsWindowEnds() throws IOException {
        assertThat(step(runner.runOnce(granted, Optional.empty()), StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.RESTARTING);

        first = () -> StepOutcome.applying("proxy", Optional.empty(), "the etcd proxy's upstream does not answer");
        clock.advance(Duration.ofSeconds(30));
        StepReport held = step(runner.runOnce(granted, Optional.empty()), StepName.DOCKER_CLUSTER_STORE);

        assertThat(held.phase()).as("still disturbed: not a pending step").isEqualTo(StepPhase.RESTARTING);
        assertThat(held.desiredHash()).as("the granted hash: the leader keeps the slot").isEqualTo(OWN_HASH);
        assertThat(held.message()).contains("waiting for step etcdProxy");
        assertThat(disruptions()).as("the window is open").containsExactly("begin");

        first = () -> StepOutcome.done("proxy", "the etcd proxy answers");
        StepReport done = step(runner.runOnce(granted, Optional.empty()), StepName.DOCKER_CLUSTER_STORE);

        assertThat(done.phase()).isEqualTo(StepPhase.DONE);
        assertThat(disruptions()).containsExactly("begin", "end");
        assertThat(services.calls()).as("restarted once").containsExactly("restart docker");
    }

    @Test
    void aStepFailingWhileItsRestartIsUnderWayReportsTheFailureAtItsGrantedHash() {
        runner.runOnce(granted, Optional.empty());
        dockerFails = true;

        StepReport failed = step(runner.runOnce(granted, Optional.empty()), StepName.DOCKER_CLUSTER_STORE);

        assertThat(failed.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(failed.desiredHash()).as("the granted hash: the leader keeps the slot").isEqualTo(OWN_HASH);
    }

    @Test
    void aStepThatFailsWithoutARestartUnderWayReportsThePlansHash() {
        first = () -> {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "disk full");
        };

        AgentReport report = runner.runOnce(granted, Optional.empty());

        assertThat(step(report, StepName.ETCD_PROXY).desiredHash()).isEqualTo(granted.plan().stepHashes().get(StepName.ETCD_PROXY));
        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.PENDING);
        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).desiredHash())
                .isEqualTo(granted.plan().stepHashes().get(StepName.DOCKER_CLUSTER_STORE));
    }

    private List<String> disruptions() throws IOException {
        Path log = root.resolve(DisruptionLog.PATH.substring(1));
        return Files.readAllLines(log).stream().map(line -> line.split(" ")[1]).toList();
    }

    /** A step whose outcome the test sets. */
    private record Scripted(StepName name, Supplier<StepOutcome> outcome) implements StepReconciler {
        @Override
        public StepOutcome reconcile(StepContext context) {
            return outcome.get();
        }

        @Override
        public StepOutcome remove(StepContext context) {
            return StepOutcome.removed("", "removed");
        }
    }

    /** The docker step's use of the gate: follow a restart up, else restart with a grant. */
    private final class RestartingDocker implements StepReconciler {
        @Override
        public StepName name() {
            return StepName.DOCKER_CLUSTER_STORE;
        }

        @Override
        public StepOutcome reconcile(StepContext context) {
            if (dockerFails) {
                throw new StepFailure(StepReason.DOCKER_NOT_RUNNING, "docker does not answer");
            }
            RestartGate.Progress progress = gate.progress(name(), "docker", OWN_HASH, context);
            if (progress instanceof RestartGate.Progress.Waiting waiting) {
                return waiting.outcome();
            }
            if (progress instanceof RestartGate.Progress.Stable) {
                gate.finish(name());
                return StepOutcome.done(OWN_HASH, "docker uses the store");
            }
            return gate.restart(name(), "docker", OWN_HASH, Optional.empty(), context);
        }

        @Override
        public StepOutcome remove(StepContext context) {
            return StepOutcome.removed(OWN_HASH, "removed");
        }
    }
}
