package dev.calicodcos.reconcilers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.testkit.MovableClock;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dockerClusterStore's health gate and rollback, on real files in a temporary host root, an
 * in-memory docker that reads daemon.json when it (re)starts, and a clock the test moves.
 */
class DockerClusterStoreRollbackTest {
    private static final AgentFacts FACTS = new AgentFacts("agent-1", Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), false, false);
    private static final String SPEC = """
            etcd:
              endpoints: ["http://127.0.0.1:23790"]
            rollout: {stabilityPeriod: 10s, restartTimeout: 1m}
            etcdProxy: {enabled: false}
            cni: {enabled: false}
            libnetwork: {enabled: false}
            node: {enabled: false}
            """;
    private static final String STORE = "etcd://127.0.0.1:23790";
    /** Not as we would print it: a rollback must give back these very bytes. */
    private static final String USER_DAEMON_JSON = "{\"log-level\":\"warn\",  \"debug\":false}\n";
    private static final Predicate<String> WITH_OUR_STORE = content -> content.contains(STORE);
    private static final Instant FIRST_GRANT = Instant.parse("2026-01-01T09:59:00Z");

    private Path root;
    private MovableClock clock;
    private RootedFiles files;
    private FakeDockerUnit docker;
    private String spec = SPEC;
    private final Map<String, ResolvedPlan> plans = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        Files.createDirectories(root.resolve("etc/docker"));
        clock = MovableClock.at(Instant.parse("2026-01-01T10:00:00.500Z"));
        files = new RootedFiles(root);
        docker = new FakeDockerUnit(files, clock, clock.instant().minus(Duration.ofHours(1)));
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
    }

    private DockerClusterStoreReconciler step(CrashPoints crashPoints) {
        RestartGate gate = new RestartGate(files, docker, clock, crashPoints, new DisruptionLog(files, clock));
        return new DockerClusterStoreReconciler(files, docker, docker.engine(), gate, crashPoints);
    }

    private StepOutcome pass(DockerClusterStoreReconciler step, Optional<Instant> grantedAt) {
        ResolvedPlan plan = plans.computeIfAbsent(spec, TestHost::plan);
        String hash = DockerClusterStoreReconciler.render(plan.spec(), FACTS).hash();
        Optional<RestartGrant> grant = grantedAt.map(at -> new RestartGrant(StepName.DOCKER_CLUSTER_STORE, hash, at));
        return step.reconcile(new StepContext(plan.withRestartGrant(grant), FACTS, Optional.empty()));
    }

    /** A step that has merged daemon.json and asks for a grant. */
    private DockerClusterStoreReconciler askingForAGrant() {
        DockerClusterStoreReconciler step = step(CrashPoints.NONE);
        assertThat(pass(step, Optional.empty()).phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        return step;
    }

    /** Passes every 5 s under {@code grantedAt} until the step settles (or fails). */
    private StepOutcome untilSettled(DockerClusterStoreReconciler step, Optional<Instant> grantedAt) {
        for (int i = 0; i < 60; i++) {
            StepOutcome outcome = pass(step, grantedAt);
            if (outcome.phase().settled() || outcome.phase() == StepPhase.FAILED) {
                return outcome;
            }
            clock.advance(Duration.ofSeconds(5));
        }
        return fail("the step never settled");
    }

    private void userFile(String content) throws IOException {
        Files.writeString(root.resolve("etc/docker/daemon.json"), content);
    }

    private Optional<String> daemonJson() throws IOException {
        Path file = root.resolve("etc/docker/daemon.json");
        return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    }

    private List<String> disruptions() throws IOException {
        Path log = root.resolve(DisruptionLog.PATH.substring(1));
        return Files.exists(log) ? Files.readAllLines(log).stream().map(l -> l.split(" ")[1]).toList() : List.of();
    }

    @Test
    void dockerRefusingTheNewDaemonJsonGetsTheUserFileBackByteForByte() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.refusing(WITH_OUR_STORE);
        DockerClusterStoreReconciler step = step(CrashPoints.NONE);

        StepOutcome asked = pass(step, Optional.empty());
        assertThat(asked.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(daemonJson()).get().asString().contains("\"log-level\" : \"warn\"", STORE);

        StepOutcome outcome = pass(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("docker did not come back with the new /etc/docker/daemon.json",
                "systemctl restart docker failed", "Job for docker.service failed",
                "restored the previous /etc/docker/daemon.json and restarted docker: docker is active");
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
        assertThat(docker.calls()).containsExactly("reload docker", "restart docker", "start docker");
        assertThat(docker.isActive("docker")).isTrue();
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void withoutADaemonJsonBeforeTheRollbackDeletesIt() throws IOException {
        docker.refusing(WITH_OUR_STORE);
        DockerClusterStoreReconciler step = askingForAGrant();
        assertThat(daemonJson()).isPresent();

        StepOutcome outcome = pass(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("deleted /etc/docker/daemon.json (there was none before)");
        assertThat(daemonJson()).isEmpty();
        assertThat(docker.isActive("docker")).isTrue();
    }

    @Test
    void dockerNotActiveWithinTheRestartTimeoutIsRolledBackThen() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.hanging(WITH_OUR_STORE);
        DockerClusterStoreReconciler step = askingForAGrant();

        StepOutcome restarting = pass(step, Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofSeconds(59));
        StepOutcome stillWaiting = pass(step, Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofSeconds(2));
        StepOutcome outcome = pass(step, Optional.of(FIRST_GRANT));

        assertThat(restarting.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(stillWaiting.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("docker is not active 1m after its restart", "docker is active");
        // docker was not running when the rollback started: a start, not a second restart
        assertThat(docker.calls()).containsExactly("reload docker", "restart docker", "start docker");
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void dockerInfoNeverShowingTheStoreIsRolledBackAfterTheRestartTimeout() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.showingStore(false);
        DockerClusterStoreReconciler step = askingForAGrant();

        pass(step, Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofSeconds(30)); // well past the stability period, within the restart timeout
        StepOutcome waiting = pass(step, Optional.of(FIRST_GRANT));
        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(waiting.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(waiting.message()).contains("docker info shows cluster store (none), not " + STORE);
        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("docker info shows cluster store (none), not " + STORE + " 1m after its restart");
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
        assertThat(docker.calls()).containsExactly("reload docker", "restart docker", "restart docker");
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void aFailedDockerInfoInTheStabilityPeriodStartsThePeriodAgain() throws IOException {
        DockerClusterStoreReconciler step = askingForAGrant();
        pass(step, Optional.of(FIRST_GRANT));
        Instant restartedAt = clock.instant();

        assertThat(pass(step, Optional.of(FIRST_GRANT)).phase()).isEqualTo(StepPhase.RESTARTING);
        clock.advance(Duration.ofSeconds(5));
        docker.answering(false);
        StepOutcome notAnswering = pass(step, Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofSeconds(3));
        docker.answering(true);
        assertThat(pass(step, Optional.of(FIRST_GRANT)).phase()).isEqualTo(StepPhase.RESTARTING);
        clock.advance(Duration.ofSeconds(4)); // 12 s after the restart, 4 s into the new period
        StepOutcome stillInPeriod = pass(step, Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofSeconds(7));
        StepOutcome done = pass(step, Optional.of(FIRST_GRANT));

        assertThat(notAnswering.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(notAnswering.message()).contains("docker does not answer");
        assertThat(stillInPeriod.phase()).as("the period restarted when docker info failed").isEqualTo(StepPhase.RESTARTING);
        assertThat(Duration.between(restartedAt, clock.instant())).isGreaterThan(Duration.ofSeconds(18));
        assertThat(done.phase()).isEqualTo(StepPhase.DONE);
        assertThat(docker.starts()).isEqualTo(1);
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void afterARollbackTheSameGrantOrNoGrantNeverTriesAgain() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.refusing(WITH_OUR_STORE);
        DockerClusterStoreReconciler step = askingForAGrant();
        pass(step, Optional.of(FIRST_GRANT));
        List<String> calls = docker.calls();

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(2));
            StepOutcome sameGrant = pass(step, Optional.of(FIRST_GRANT));
            StepOutcome noGrant = pass(step(CrashPoints.NONE), Optional.empty());
            assertThat(sameGrant.reason()).contains(StepReason.ROLLED_BACK);
            assertThat(noGrant.reason()).contains(StepReason.ROLLED_BACK);
            assertThat(noGrant.message()).contains("restored the previous", "until the leader grants a new restart");
        }

        assertThat(docker.calls()).isEqualTo(calls);
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void aNewGrantTriesAgain() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.refusing(WITH_OUR_STORE);
        DockerClusterStoreReconciler step = askingForAGrant();
        pass(step, Optional.of(FIRST_GRANT));
        docker.refusing(content -> false); // someone fixed what made docker refuse it

        StepOutcome done = untilSettled(step, Optional.of(FIRST_GRANT.plusSeconds(600)));

        assertThat(done.phase()).isEqualTo(StepPhase.DONE);
        assertThat(docker.info().clusterStore()).contains(STORE);
        assertThat(daemonJson()).get().asString().contains("\"log-level\" : \"warn\"", STORE);
        assertThat(docker.calls()).containsExactly("reload docker", "restart docker", "start docker", "restart docker");
        assertThat(disruptions()).containsExactly("begin", "end", "begin", "end");
        assertThat(files.read(DockerClusterStoreReconciler.ROLLBACK_POINT)).as("docker runs the new file: no point kept").isEmpty();
    }

    @Test
    void aNewDesiredStateTriesAgainWithoutAGrantForIt() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.refusing(WITH_OUR_STORE);
        DockerClusterStoreReconciler step = askingForAGrant();
        pass(step, Optional.of(FIRST_GRANT));

        spec = SPEC.replace("23790", "23791");
        StepOutcome asks = pass(step, Optional.empty());

        assertThat(asks.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(daemonJson()).get().asString().contains("etcd://127.0.0.1:23791");
    }

    @Test
    void twoChangesBeforeAGrantRollBackToWhatDockerLastRan() throws IOException {
        userFile(USER_DAEMON_JSON);
        DockerClusterStoreReconciler step = askingForAGrant();
        spec = SPEC.replace("23790", "23791");
        pass(step, Optional.empty());
        docker.refusing(content -> content.contains("23791"));

        StepOutcome outcome = pass(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
    }

    @Test
    void removingTheStepGivesBackTheUsersFileByteForByte() throws IOException {
        userFile(USER_DAEMON_JSON);
        DockerClusterStoreReconciler step = askingForAGrant();
        assertThat(untilSettled(step, Optional.of(FIRST_GRANT)).phase()).isEqualTo(StepPhase.DONE);
        assertThat(daemonJson().orElseThrow()).contains(STORE);

        ResolvedPlan plan = TestHost.plan(SPEC + "dockerClusterStore: {enabled: false}\n");
        String removalHash = step.remove(new StepContext(plan, FACTS, Optional.empty())).desiredHash();
        StepOutcome removed = step.remove(new StepContext(plan.withRestartGrant(Optional.of(
                new RestartGrant(StepName.DOCKER_CLUSTER_STORE, removalHash, FIRST_GRANT.plusSeconds(60)))), FACTS, Optional.empty()));
        for (int i = 0; i < 10 && removed.phase() != StepPhase.REMOVED; i++) {
            clock.advance(Duration.ofSeconds(5));
            removed = step.remove(new StepContext(plan.withRestartGrant(Optional.of(
                    new RestartGrant(StepName.DOCKER_CLUSTER_STORE, removalHash, FIRST_GRANT.plusSeconds(60)))), FACTS, Optional.empty()));
        }

        assertThat(removed.phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
    }

    @Test
    void aLaterChangeRollsBackToTheFileDockerRanSuccessfullyBeforeIt() throws IOException {
        userFile(USER_DAEMON_JSON);
        DockerClusterStoreReconciler step = askingForAGrant();
        assertThat(untilSettled(step, Optional.of(FIRST_GRANT)).phase()).isEqualTo(StepPhase.DONE);
        String ranWell = daemonJson().orElseThrow();

        spec = SPEC.replace("23790", "23791");
        docker.refusing(content -> content.contains("23791"));
        pass(step, Optional.empty());
        StepOutcome outcome = pass(step, Optional.of(FIRST_GRANT.plusSeconds(600)));

        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(daemonJson()).contains(ranWell);
        assertThat(ranWell).contains(STORE).isNotEqualTo(USER_DAEMON_JSON);
        assertThat(docker.info().clusterStore()).contains(STORE);
    }

    @Test
    void dockerNotComingBackAfterTheRollbackIsRollbackFailedSayingWhatIsLeft() throws IOException {
        userFile(USER_DAEMON_JSON);
        docker.refusing(content -> true);
        DockerClusterStoreReconciler step = askingForAGrant();

        StepOutcome first = pass(step, Optional.of(FIRST_GRANT));
        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));
        StepOutcome later = pass(step, Optional.empty());

        assertThat(first.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(first.message()).contains("restored the previous /etc/docker/daemon.json and restarted docker; waiting");
        assertThat(outcome.reason()).contains(StepReason.ROLLBACK_FAILED);
        assertThat(outcome.message()).contains("restored the previous /etc/docker/daemon.json",
                "docker is still not active 1m later", "journalctl -u docker");
        assertThat(later.reason()).contains(StepReason.ROLLBACK_FAILED);
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
        assertThat(docker.calls()).containsExactly("reload docker", "restart docker", "start docker");
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void theRestartMessageSaysWhetherContainersSurviveIt() {
        DockerClusterStoreReconciler step = askingForAGrant();
        StepOutcome off = pass(step, Optional.of(FIRST_GRANT));

        assertThat(off.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(off.message()).contains("live-restore off: containers on this agent are stopped and restarted by their policies");
    }

    @Test
    void withLiveRestoreTheRestartMessageSaysContainersKeepRunning() {
        docker.liveRestore(true);
        DockerClusterStoreReconciler step = askingForAGrant();

        assertThat(pass(step, Optional.of(FIRST_GRANT)).message()).contains("live-restore on: containers keep running");
    }

    /** Thrown at the chosen point; an Error so that no step code catches it, as with a real kill. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("crashed at " + point);
        }
    }

    @ParameterizedTest(name = "{1} at {0}")
    @CsvSource({
            "rollback.decided, refuses", "rollback.restored, refuses", "rollback.before, refuses", "rollback.after, refuses",
            "rollback.marked, refuses",
            "rollback.decided, hides store", "rollback.restored, hides store", "rollback.before, hides store",
            "rollback.after, hides store", "rollback.marked, hides store"})
    void aCrashAnywhereInTheRollbackEndsWithExactlyOneRollbackRestart(String point, String failure) throws IOException {
        userFile(USER_DAEMON_JSON);
        if (failure.equals("refuses")) {
            docker.refusing(WITH_OUR_STORE);
        } else {
            docker.showingStore(false);
        }
        DockerClusterStoreReconciler crashing = step(reached -> {
            if (reached.equals(point)) {
                throw new SimulatedCrash(point);
            }
        });
        pass(crashing, Optional.empty());
        try {
            untilSettled(crashing, Optional.of(FIRST_GRANT));
            fail("the crash point was never reached");
        } catch (SimulatedCrash expected) {
            clock.advance(Duration.ofSeconds(2));
        }

        StepOutcome outcome = untilSettled(step(CrashPoints.NONE), Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(daemonJson()).contains(USER_DAEMON_JSON);
        assertThat(docker.starts()).as("the granted restart and one rollback restart: " + docker.calls()).isEqualTo(2);
        assertThat(docker.isActive("docker")).isTrue();
        assertThat(disruptions()).containsExactly("begin", "end");
    }
}
