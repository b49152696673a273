package dev.calicodcos.reconcilers.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.testkit.MovableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing calico/node safely: a slot, make before break, a readiness gate held for the stability
 * period, and a rollback to the very container that ran before (same image content id).
 */
class ContainerRolloutTest {
    static final String OLD = "calico/node:v2.6.11";
    static final String NEW = "calico/node:v2.6.12";
    static final String NEVER_READY = "calico/node:v2.6.12-never-ready";
    static final String UNKNOWN = "calico/node:v2.6.12-typo";

    private static final AgentFacts FACTS = new AgentFacts("agent-1", Optional.of("10.0.0.5"), Optional.of("20.10.24"),
            Optional.of("1.10.0"), Optional.of("1.12.0"), false, false);

    @TempDir
    Path root;
    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryDocker docker = new InMemoryDocker(Set.of(OLD, NEW, NEVER_READY));
    private NodeReconciler node;

    @BeforeEach
    void setUp() {
        RootedFiles files = new RootedFiles(root);
        // Ready is what the gated container's image makes it: the probe sees the host as it is now.
        ReadinessProbe probe = checks -> docker.inspect(NodeReconciler.CONTAINER)
                .filter(c -> c.image().equals(NEVER_READY))
                .map(c -> "Felix readiness (GET 127.0.0.1:9099/readiness): answered HTTP 503");
        node = new NodeReconciler(new ContainerConverger(docker, files, probe, new DisruptionLog(files, clock), clock));
    }

    private static ResolvedPlan plan(String image) {
        return TestHost.plan("""
                etcd: {endpoints: ["http://10.0.0.1:2379"]}
                rollout: {restartTimeout: 2m, stabilityPeriod: 10s}
                node: {image: "%s"}
                """.formatted(image));
    }

    private StepOutcome pass(ResolvedPlan plan) {
        return node.reconcile(new StepContext(plan, FACTS, Optional.empty()));
    }

    private static ResolvedPlan granted(ResolvedPlan plan, StepOutcome asked, Instant at) {
        return plan.withRestartGrant(Optional.of(new RestartGrant(StepName.NODE, asked.desiredHash(), at)));
    }

    /** Installs OLD and lets it pass its gate, as a finished earlier rollout leaves it. */
    private ContainerState installed() {
        ResolvedPlan first = plan(OLD);
        assertThat(pass(first).phase()).isEqualTo(StepPhase.APPLYING);
        clock.advance(Duration.ofSeconds(11));
        pass(first);
        clock.advance(Duration.ofSeconds(11));
        assertThat(pass(first).phase()).isEqualTo(StepPhase.DONE);
        return docker.inspect(NodeReconciler.CONTAINER).orElseThrow();
    }

    private List<String> disruptions() throws IOException {
        Path log = root.resolve(DisruptionLog.PATH.substring(1));
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void aFirstInstallNeedsNoGrantAndIsDoneOnlyOnceReadyForTheStabilityPeriod() throws IOException {
        ResolvedPlan plan = plan(OLD);

        assertThat(pass(plan).phase()).isEqualTo(StepPhase.APPLYING);
        assertThat(pass(plan).message()).contains("ready; waiting until it has been for PT10S");
        clock.advance(Duration.ofSeconds(9));
        assertThat(pass(plan).phase()).isEqualTo(StepPhase.APPLYING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(pass(plan).phase()).isEqualTo(StepPhase.DONE);
        assertThat(disruptions()).as("nothing ran before, nothing was disturbed").isEmpty();
    }

    @Test
    void aFirstInstallDockerRefusesIsAPlainFailureNotAGateToWaitOut() {
        docker.refuseRuns = true;
        ResolvedPlan plan = plan(OLD);

        assertThatThrownBy(() -> pass(plan)).isInstanceOf(StepFailure.class).hasMessageContaining("refused");

        docker.refuseRuns = false;
        assertThat(pass(plan).message()).as("tried again at once").contains("created; waiting until it is ready");
    }

    @Test
    void aFirstInstallWhoseContainerVanishedBeforeItsGateHeldIsCreatedAgainNotRolledBack() {
        // The node agent died after marking the install and before Docker created the container (or someone removed it).
        ResolvedPlan plan = plan(OLD);
        pass(plan);
        docker.remove(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().id());
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));

        StepOutcome again = pass(plan);

        assertThat(again.phase()).as("nothing ran before: there is nothing to roll back to").isEqualTo(StepPhase.APPLYING);
        assertThat(again.message()).contains("created; waiting until it is ready");
        assertThat(docker.inspect(NodeReconciler.CONTAINER)).isPresent();
        pass(plan);
        clock.advance(Duration.ofSeconds(10));
        assertThat(pass(plan).phase()).isEqualTo(StepPhase.DONE);
    }

    @Test
    void aNodeAgentThatDiedBetweenCreatingAndStartingAFirstInstallStartsIt() {
        ResolvedPlan plan = plan(OLD);
        pass(plan);
        docker.crash(NodeReconciler.CONTAINER); // created, never started
        rewrite(root.resolve("var/lib/calico-dcos/containers/node.json"), "\"STARTED\"", "\"REPLACING\"");
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));

        StepOutcome resumed = pass(plan);

        assertThat(resumed.phase()).isEqualTo(StepPhase.APPLYING);
        assertThat(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().running()).isTrue();
        assertThat(docker.journal).as("the container it created is started, not created twice").containsOnlyOnce("run calico-node " + OLD);
        pass(plan);
        clock.advance(Duration.ofSeconds(10));
        assertThat(pass(plan).phase()).isEqualTo(StepPhase.DONE);
    }

    @Test
    void aFirstInstallUnderWayIsNotReportedAsADisruptiveChange() {
        pass(plan(OLD));

        assertThat(node.changeUnderWayAt()).as("no slot is held for it").isEmpty();
    }

    @Test
    void replacingARunningContainerWaitsForAGrantAndTouchesNothingMeanwhile() {
        ContainerState before = installed();

        StepOutcome asked = pass(plan(NEW));

        assertThat(asked.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(asked.message()).contains("must replace container calico-node (" + OLD + " → " + NEW + ")");
        assertThat(docker.inspect(NodeReconciler.CONTAINER)).contains(before);
        assertThat(docker.journal).noneMatch(call -> call.equals("pull " + NEW));
    }

    @Test
    void anUnknownImageFailsItsPullUnderTheGrantAndTheOldContainerKeepsRunning() throws IOException {
        ContainerState before = installed();
        ResolvedPlan plan = plan(UNKNOWN);
        StepOutcome asked = pass(plan);

        StepOutcome failed = pass(granted(plan, asked, clock.instant()));

        assertThat(failed.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(failed.reason()).contains(StepReason.IMAGE_PULL_FAILED);
        assertThat(failed.desiredHash()).as("at the granted hash: the agent keeps its slot").isEqualTo(asked.desiredHash());
        assertThat(failed.message()).contains("manifest unknown", "still runs " + OLD);
        assertThat(docker.inspect(NodeReconciler.CONTAINER)).contains(before);
        assertThat(disruptions()).isEmpty();
    }

    @Test
    void aNewImageIsDoneOnlyAfterItsGateHeldAndTheWindowIsLoggedOnce() throws IOException {
        installed();
        ResolvedPlan plan = plan(NEW);
        ResolvedPlan withGrant = granted(plan, pass(plan), clock.instant());

        assertThat(pass(withGrant).phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(docker.journal).containsSubsequence("pull " + NEW, "remove c1", "run calico-node " + NEW);
        assertThat(pass(withGrant).phase()).isEqualTo(StepPhase.RESTARTING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(pass(withGrant).phase()).isEqualTo(StepPhase.DONE);

        assertThat(disruptions()).hasSize(2);
        assertThat(disruptions().get(0)).contains(" begin node ", OLD + " → " + NEW);
        assertThat(disruptions().get(1)).contains(" end node ", "ready and stable");
    }

    @Test
    void anImageThatNeverGetsReadyIsRolledBackToTheSameImageAndNotTriedAgainUnderTheSameGrant() throws IOException {
        ContainerState before = installed();
        ResolvedPlan plan = plan(NEVER_READY);
        ResolvedPlan withGrant = granted(plan, pass(plan), clock.instant());
        assertThat(pass(withGrant).phase()).isEqualTo(StepPhase.RESTARTING);
        clock.advance(Duration.ofMinutes(1));
        assertThat(pass(withGrant).message()).contains("not ready yet", "answered HTTP 503");

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        StepOutcome rolledBack = pass(withGrant);

        assertThat(rolledBack.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(rolledBack.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(rolledBack.message()).contains("was not ready PT2M after it started", "answered HTTP 503", "put back", ": ready");
        ContainerState after = docker.inspect(NodeReconciler.CONTAINER).orElseThrow();
        assertThat(after.imageId()).isEqualTo(before.imageId());
        assertThat(after.definition().env()).isEqualTo(before.definition().env());
        assertThat(after.labels()).isEqualTo(before.labels());
        assertThat(disruptions()).hasSize(2).last().asString().contains(" end node ", "rolled back");

        int calls = docker.journal.size();
        clock.advance(Duration.ofMinutes(10));
        assertThat(pass(withGrant).reason()).contains(StepReason.ROLLED_BACK);
        assertThat(pass(withGrant.withRestartGrant(Optional.empty())).reason()).contains(StepReason.ROLLED_BACK);
        assertThat(docker.journal).as("no retry under the same grant").hasSize(calls);

        StepOutcome again = pass(granted(plan, rolledBack, clock.instant()));
        assertThat(again.phase()).as("a new grant: one more try").isEqualTo(StepPhase.RESTARTING);
    }

    @Test
    void aNodeAgentThatDiedBetweenRemovingAndStartingFinishesTheReplacement() {
        ContainerState before = installed();
        ResolvedPlan plan = plan(NEW);
        ResolvedPlan withGrant = granted(plan, pass(plan), clock.instant());
        pass(withGrant);
        // As if the node agent had died right after removing the old container: put the marker back to REPLACING.
        docker.remove(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().id());
        Path marker = root.resolve("var/lib/calico-dcos/containers/node.json");
        rewrite(marker, "\"STARTED\"", "\"REPLACING\"");

        StepOutcome resumed = pass(withGrant);

        assertThat(resumed.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(resumed.message()).startsWith("resumed");
        assertThat(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().image()).isEqualTo(NEW);
        assertThat(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().id()).isNotEqualTo(before.id());
    }

    @Test
    void aNodeAgentThatDiedBeforeLoggingItsReplacementLogsTheWindowWhenItResumes() throws IOException {
        ContainerState before = installed();
        ResolvedPlan plan = plan(NEW);
        ResolvedPlan withGrant = granted(plan, pass(plan), clock.instant());
        pass(withGrant);
        // As if the node agent had died right after marking the replacement: the old container runs, no window is logged.
        docker.remove(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().id());
        docker.run(before.definition());
        rewrite(root.resolve("var/lib/calico-dcos/containers/node.json"), "\"STARTED\"", "\"REPLACING\"");
        Files.delete(root.resolve(DisruptionLog.PATH.substring(1)));

        assertThat(pass(withGrant).message()).startsWith("resumed");
        clock.advance(Duration.ofSeconds(10));
        pass(withGrant);
        clock.advance(Duration.ofSeconds(10));

        assertThat(pass(withGrant).phase()).isEqualTo(StepPhase.DONE);
        assertThat(disruptions()).hasSize(2);
        assertThat(disruptions().get(0)).contains(" begin node ", "(resumed)");
        assertThat(disruptions().get(1)).contains(" end node ", "ready and stable");
    }

    @Test
    void aNewerSpecDuringTheGateWaitsForTheWindowToEndAndThenForItsOwnGrant() {
        installed();
        ResolvedPlan plan = plan(NEW);
        ResolvedPlan withGrant = granted(plan, pass(plan), clock.instant());
        pass(withGrant);

        ResolvedPlan newer = plan(OLD).withRestartGrant(withGrant.plan().restartGrant());
        StepOutcome during = pass(newer);
        assertThat(during.phase()).as("the slot stays taken until the window ends").isEqualTo(StepPhase.RESTARTING);
        clock.advance(Duration.ofSeconds(10));

        StepOutcome after = pass(newer);
        assertThat(after.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().image()).isEqualTo(NEW);
    }

    @Test
    void aContainerThatStopsDuringTheGateStartsTheStabilityPeriodAgain() {
        installed();
        ResolvedPlan plan = plan(NEW);
        ResolvedPlan withGrant = granted(plan, pass(plan), clock.instant());
        pass(withGrant);
        pass(withGrant);
        clock.advance(Duration.ofSeconds(8));
        docker.crash(NodeReconciler.CONTAINER);
        assertThat(pass(withGrant).message()).contains("not running");

        clock.advance(Duration.ofSeconds(8));
        assertThat(pass(withGrant).phase()).isEqualTo(StepPhase.RESTARTING);
    }

    @Test
    void removingARunningContainerTakesAGrantAndLogsItsWindow() throws IOException {
        installed();
        StepContext removing = new StepContext(plan(OLD), FACTS, Optional.empty());

        StepOutcome asked = node.remove(removing);
        assertThat(asked.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(docker.inspect(NodeReconciler.CONTAINER)).isPresent();

        ResolvedPlan withGrant = plan(OLD).withRestartGrant(Optional.of(new RestartGrant(StepName.NODE, asked.desiredHash(), clock.instant())));
        StepOutcome removed = node.remove(new StepContext(withGrant, FACTS, Optional.empty()));
        assertThat(removed.phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(docker.inspect(NodeReconciler.CONTAINER)).isEmpty();
        assertThat(disruptions()).hasSize(2).first().asString().contains(" begin node ", "remove container calico-node");
    }

    private static void rewrite(Path file, String from, String to) {
        try {
            Files.writeString(file, Files.readString(file).replace(from, to));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
