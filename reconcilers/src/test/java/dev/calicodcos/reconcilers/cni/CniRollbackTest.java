package dev.calicodcos.reconcilers.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.host.Downloader;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.testkit.MovableClock;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.attribute.FileTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cni step's restart gate (the Mesos agent registered again) and its rollback, on real files in
 * a temporary host root, an in-memory Mesos agent that reads the CNI config when it (re)starts, and
 * a clock the test moves (ahead of the files' real modification times).
 */
class CniRollbackTest {
    private static final AgentFacts MESOS_10 = new AgentFacts("agent-1", Optional.of("10.0.0.5"), Optional.empty(),
            Optional.of("1.0.1"), Optional.empty(), false, false);
    private static final String UNIT = "dcos-mesos-slave";
    private static final String CALICO = "/opt/mesosphere/active/cni/calico";
    private static final String IPAM = "/opt/mesosphere/active/cni/calico-ipam";
    private static final String CONFIG = FakeMesosAgent.CONFIG;
    /** Not as the step would print it: a rollback must give back these very bytes. */
    private static final String USER_CONFIG = "{\"name\":\"calico\",  \"type\":\"calico\", \"ipam\": {\"type\": \"calico-ipam\"}}\n";
    private static final Instant FIRST_GRANT = Instant.parse("2026-01-01T09:59:00Z");

    private Path root;
    private MovableClock clock;
    private HostFiles files;
    private FakeMesosAgent agent;
    private final Map<String, byte[]> served = new HashMap<>();
    private final Downloader downloads = url -> served.get(url).clone();
    private String mtu = "1440";

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        Files.createDirectories(root.resolve("opt/mesosphere/active/cni"));
        Files.createDirectories(root.resolve("opt/mesosphere/etc/dcos/network/cni"));
        clock = MovableClock.at(Instant.now().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).plusMillis(500));
        files = onTheTestClock(new RootedFiles(root));
        agent = new FakeMesosAgent(files, clock, clock.instant().minus(Duration.ofHours(1)));
        served.put("http://plugins/calico", "calico v2".getBytes(StandardCharsets.UTF_8));
        served.put("http://plugins/calico-ipam", "ipam v2".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The files, with modification times on the test's clock (what the step compares with the agent's
     * ActiveEnterTimestamp), so that the clock may run ahead of real time.
     */
    private HostFiles onTheTestClock(HostFiles real) {
        Map<String, FileTime> writtenAt = new HashMap<>();
        return (HostFiles) Proxy.newProxyInstance(HostFiles.class.getClassLoader(), new Class<?>[] {HostFiles.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("modifiedAt") && writtenAt.containsKey((String) args[0])) {
                        return Optional.of(writtenAt.get((String) args[0]));
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("write") && (Boolean) result) {
                        writtenAt.put((String) args[0], FileTime.from(clock.instant()));
                    }
                    return result;
                });
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
    }

    private String spec() {
        return """
                etcd:
                  endpoints: ["http://127.0.0.1:2379"]
                rollout: {stabilityPeriod: 10s, restartTimeout: 1m}
                etcdProxy: {enabled: false}
                dockerClusterStore: {enabled: false}
                libnetwork: {enabled: false}
                node: {enabled: false}
                cni:
                  mtu: %s
                  plugins:
                    calico: {url: "http://plugins/calico", sha256: "%s"}
                    calicoIpam: {url: "http://plugins/calico-ipam", sha256: "%s"}
                """.formatted(mtu, StepHashes.sha256(served.get("http://plugins/calico")),
                StepHashes.sha256(served.get("http://plugins/calico-ipam")));
    }

    private CniReconciler step(CrashPoints crashPoints) {
        RestartGate gate = new RestartGate(files, agent, clock, crashPoints, new DisruptionLog(files, clock));
        return new CniReconciler(files, agent, downloads, agent, gate, crashPoints);
    }

    private StepOutcome pass(CniReconciler step, Optional<Instant> grantedAt) {
        ResolvedPlan plan = TestHost.plan(spec());
        String hash = CniReconciler.render(plan.spec(), MESOS_10).hash();
        Optional<RestartGrant> grant = grantedAt.map(at -> new RestartGrant(StepName.CNI, hash, at));
        return step.reconcile(new StepContext(plan.withRestartGrant(grant), MESOS_10, Optional.empty()));
    }

    /** Passes every 5 s under {@code grantedAt} until the step settles (or fails). */
    private StepOutcome untilSettled(CniReconciler step, Optional<Instant> grantedAt) {
        for (int i = 0; i < 60; i++) {
            StepOutcome outcome = pass(step, grantedAt);
            if (outcome.phase().settled() || outcome.phase() == StepPhase.FAILED) {
                return outcome;
            }
            clock.advance(Duration.ofSeconds(5));
        }
        return fail("the step never settled");
    }

    private CniReconciler askingForAGrant() {
        CniReconciler step = step(CrashPoints.NONE);
        assertThat(pass(step, Optional.empty()).phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        return step;
    }

    /** The files the agent ran before calico-dcos's change: an old plugin with a mode of its own, a user's config. */
    private void previousFiles() throws IOException {
        hostFile(CALICO, "calico v1", "rwxr-x---");
        hostFile(IPAM, "ipam v1", "rwxr-xr-x");
        hostFile(CONFIG, USER_CONFIG, "rw-r-----");
    }

    private void hostFile(String path, String content, String mode) throws IOException {
        Path file = root.resolve(path.substring(1));
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private String content(String path) throws IOException {
        return Files.readString(root.resolve(path.substring(1)));
    }

    private String mode(String path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(path.substring(1))));
    }

    private boolean exists(String path) {
        return Files.exists(root.resolve(path.substring(1)));
    }

    private List<String> disruptions() throws IOException {
        Path log = root.resolve(DisruptionLog.PATH.substring(1));
        return Files.exists(log) ? Files.readAllLines(log).stream().map(l -> l.split(" ")[1]).toList() : List.of();
    }

    @Test
    void anAgentRegisteredAgainForTheWholeStabilityPeriodIsDoneAndTheRollbackPointDropped() throws IOException {
        previousFiles();
        CniReconciler step = askingForAGrant();

        StepOutcome restarting = pass(step, Optional.of(FIRST_GRANT));
        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(restarting.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(outcome.phase()).as(outcome.message()).isEqualTo(StepPhase.DONE);
        assertThat(agent.calls()).containsExactly("restart " + UNIT);
        assertThat(content(CALICO)).isEqualTo("calico v2");
        assertThat(exists(CniRollbackPoint.RECORD)).isFalse();
        assertThat(exists(CniRollbackPoint.COPIES)).isFalse();
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void anAgentThatNeverRegistersAgainGetsThePreviousFilesBackByteForByteWithTheirModes() throws IOException {
        previousFiles();
        agent.notRegisteringWith(config -> config.contains("1440"));
        CniReconciler step = askingForAGrant();

        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).as(outcome.message()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("dcos-mesos-slave did not come back with the new calico CNI plugin",
                "reports slave/registered 0: not registered with a master 1m after its restart",
                "restored the previous " + CALICO + ", " + IPAM + ", " + CONFIG, "and restarted dcos-mesos-slave: dcos-mesos-slave is active");
        assertThat(List.of(content(CALICO), content(IPAM), content(CONFIG))).containsExactly("calico v1", "ipam v1", USER_CONFIG);
        assertThat(List.of(mode(CALICO), mode(IPAM), mode(CONFIG))).containsExactly("rwxr-x---", "rwxr-xr-x", "rw-r-----");
        assertThat(agent.calls()).containsExactly("restart " + UNIT, "restart " + UNIT);
        assertThat(agent.notRegistered(MESOS_10)).isEmpty();
        assertThat(disruptions()).containsExactly("begin", "end");
    }

    @Test
    void anAgentThatDoesNotStartWithTheNewFilesIsRolledBackAfterTheRestartTimeout() throws IOException {
        previousFiles();
        agent.refusing(config -> config.contains("1440"));
        CniReconciler step = askingForAGrant();
        pass(step, Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofSeconds(30));

        StepOutcome waiting = pass(step, Optional.of(FIRST_GRANT));
        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(waiting.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(outcome.reason()).as(outcome.message()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("dcos-mesos-slave is not active 1m after its restart");
        assertThat(content(CONFIG)).isEqualTo(USER_CONFIG);
        assertThat(agent.starts()).isEqualTo(2);
    }

    @Test
    void filesThatWereNotThereBeforeAreDeletedByTheRollback() throws IOException {
        agent.notRegisteringWith(config -> config.contains("1440"));
        CniReconciler step = askingForAGrant();

        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("deleted " + CALICO + ", " + IPAM + ", " + CONFIG + " (there was none before)");
        assertThat(files.list("/opt/mesosphere/active/cni")).isEmpty();
        assertThat(files.list("/opt/mesosphere/etc/dcos/network/cni")).isEmpty();
    }

    @Test
    void anAgentLosingItsMasterInTheStabilityPeriodStartsThePeriodAgain() throws IOException {
        previousFiles();
        CniReconciler step = askingForAGrant();
        pass(step, Optional.of(FIRST_GRANT));                   // t0: restarted
        clock.advance(Duration.ofSeconds(5));
        assertThat(pass(step, Optional.of(FIRST_GRANT)).phase()).isEqualTo(StepPhase.RESTARTING); // t5: registered, window opens

        clock.advance(Duration.ofSeconds(5));
        agent.registered(false);
        StepOutcome lost = pass(step, Optional.of(FIRST_GRANT)); // t10: not registered
        clock.advance(Duration.ofSeconds(5));
        agent.registered(true);
        pass(step, Optional.of(FIRST_GRANT));                   // t15: registered again, window opens again
        clock.advance(Duration.ofSeconds(5));
        StepOutcome atTwenty = pass(step, Optional.of(FIRST_GRANT)); // a window from t5 would have ended at t15
        clock.advance(Duration.ofSeconds(5));
        StepOutcome atTwentyFive = pass(step, Optional.of(FIRST_GRANT));

        assertThat(lost.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(lost.message()).contains("dcos-mesos-slave is active but the Mesos agent at 10.0.0.5:5051 reports"
                + " slave/registered 0: not registered with a master; waiting");
        assertThat(atTwenty.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(atTwentyFive.phase()).as(atTwentyFive.message()).isEqualTo(StepPhase.DONE);
        assertThat(agent.starts()).isEqualTo(1);
    }

    @Test
    void anAgentWhoseApiDidNotSayRegisteredBeforeTheRestartIsHeldToItsUnitOnly() throws IOException {
        previousFiles();
        agent.answering(false);
        CniReconciler step = askingForAGrant();

        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.phase()).as(outcome.message()).isEqualTo(StepPhase.DONE);
        assertThat(agent.starts()).isEqualTo(1);
        assertThat(content(CALICO)).isEqualTo("calico v2");
    }

    @Test
    void afterARollbackTheSameGrantOrNoGrantNeverTriesAgainAndTheRestoredFilesStay() throws IOException {
        previousFiles();
        agent.notRegisteringWith(config -> config.contains("1440"));
        CniReconciler step = askingForAGrant();
        untilSettled(step, Optional.of(FIRST_GRANT));

        StepOutcome sameGrant = pass(step(CrashPoints.NONE), Optional.of(FIRST_GRANT));
        clock.advance(Duration.ofMinutes(10));
        StepOutcome noGrant = pass(step(CrashPoints.NONE), Optional.empty());

        assertThat(List.of(sameGrant.reason(), noGrant.reason())).containsOnly(Optional.of(StepReason.ROLLED_BACK));
        assertThat(noGrant.message()).endsWith("not tried again at this desired state until the leader grants a new restart");
        assertThat(agent.starts()).isEqualTo(2);
        assertThat(content(CONFIG)).isEqualTo(USER_CONFIG);
    }

    @Test
    void aNewGrantTriesAgain() throws IOException {
        previousFiles();
        agent.notRegisteringWith(config -> config.contains("1440"));
        untilSettled(askingForAGrant(), Optional.of(FIRST_GRANT));
        agent.notRegisteringWith(config -> false); // the cause was fixed elsewhere (e.g. the master)
        clock.advance(Duration.ofMinutes(1));

        StepOutcome outcome = untilSettled(step(CrashPoints.NONE), Optional.of(FIRST_GRANT.plus(Duration.ofHours(1))));

        assertThat(outcome.phase()).as(outcome.message()).isEqualTo(StepPhase.DONE);
        assertThat(content(CALICO)).isEqualTo("calico v2");
        assertThat(agent.starts()).isEqualTo(3);
    }

    @Test
    void anAgentNotRegisteringWithTheRestoredFilesEitherIsRollbackFailed() throws IOException {
        previousFiles();
        agent.notRegisteringWith(config -> true);
        CniReconciler step = askingForAGrant();

        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).as(outcome.message()).contains(StepReason.ROLLBACK_FAILED);
        assertThat(outcome.message()).contains("dcos-mesos-slave is active but the Mesos agent at 10.0.0.5:5051 reports"
                + " slave/registered 0: not registered with a master 1m later");
        assertThat(content(CONFIG)).isEqualTo(USER_CONFIG);
        assertThat(agent.starts()).isEqualTo(2);
    }

    @Test
    void twoChangesBeforeAGrantRollBackToWhatTheAgentRan() throws IOException {
        previousFiles();
        askingForAGrant();
        mtu = "1400";
        served.put("http://plugins/calico", "calico v3".getBytes(StandardCharsets.UTF_8));
        agent.notRegisteringWith(config -> config.contains("1400"));

        StepOutcome outcome = untilSettled(askingForAGrant(), Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).as(outcome.message()).contains(StepReason.ROLLED_BACK);
        assertThat(List.of(content(CALICO), content(CONFIG))).containsExactly("calico v1", USER_CONFIG);
        assertThat(mode(CALICO)).isEqualTo("rwxr-x---");
    }

    @Test
    void aRestartThatDidNotTakeWhileTheOldAgentRunsOnFailsInsteadOfRestartingAgain() throws IOException {
        previousFiles();
        agent.restartFailingKeepingTheProcess();
        CniReconciler step = askingForAGrant();

        StepOutcome outcome = untilSettled(step, Optional.of(FIRST_GRANT));
        StepOutcome later = pass(step, Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).as(outcome.message()).contains(StepReason.RESTART_DID_NOT_APPLY);
        assertThat(later.reason()).contains(StepReason.RESTART_DID_NOT_APPLY);
        assertThat(agent.calls()).containsExactly("restart " + UNIT);
    }

    @Test
    void onMesos12NothingRestartsAndNoRollbackPointIsKept() throws IOException {
        previousFiles();
        AgentFacts mesos14 = new AgentFacts("agent-1", Optional.of("10.0.0.5"), Optional.empty(), Optional.of("1.4.0"),
                Optional.empty(), false, false);
        ResolvedPlan plan = TestHost.plan(spec());

        StepOutcome outcome = step(CrashPoints.NONE).reconcile(new StepContext(plan, mesos14, Optional.empty()));

        assertThat(outcome.phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.calls()).isEmpty();
        assertThat(exists(CniRollbackPoint.RECORD)).isFalse();
        assertThat(content(CALICO)).isEqualTo("calico v2");
    }

    /** Thrown at the chosen point; an Error so that no step code catches it, as with a real kill. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("crashed at " + point);
        }
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {"cni.binaries-installed", "cni.config-written", "cni.agent-asked", "restart.before", "restart.after",
            "restart.marked", "rollback.decided", "rollback.restored", "rollback.before", "rollback.after", "rollback.marked"})
    void aCrashAnywhereEndsRolledBackWithOneRestartAndOneRollbackRestart(String point) throws IOException {
        previousFiles();
        agent.notRegisteringWith(config -> config.contains("1440"));
        CniReconciler crashing = step(reached -> {
            if (reached.equals(point)) {
                throw new SimulatedCrash(point);
            }
        });
        try {
            pass(crashing, Optional.empty());
            untilSettled(crashing, Optional.of(FIRST_GRANT));
            fail("the crash point was never reached");
        } catch (SimulatedCrash expected) {
            clock.advance(Duration.ofSeconds(2));
        }

        StepOutcome outcome = untilSettled(step(CrashPoints.NONE), Optional.of(FIRST_GRANT));

        assertThat(outcome.reason()).as(outcome.message()).contains(StepReason.ROLLED_BACK);
        assertThat(List.of(content(CALICO), content(IPAM), content(CONFIG))).containsExactly("calico v1", "ipam v1", USER_CONFIG);
        assertThat(mode(CALICO)).isEqualTo("rwxr-x---");
        assertThat(agent.starts()).as("the granted restart and one rollback restart: " + agent.calls()).isEqualTo(2);
        // Windows close in turn: a crash between "begin" and systemctl restart ends that window (no restart ran),
        // and the restart issued afterwards opens its own.
        assertThat(String.join(" ", disruptions())).matches("(begin end ?)+");
    }
}
