package dev.calicodcos.reconcilers.etcdproxy;

import static dev.calicodcos.reconcilers.TestHost.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.testkit.MovableClock;
import dev.calicodcos.reconcilers.RecordingServices;
import dev.calicodcos.reconcilers.StubNetwork;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The etcdProxy step's decisions against an in-memory systemd, a probe and a listener table the test
 * sets, and a clock it moves: when the unit is written, started, restarted (and with whose grant).
 */
class EtcdProxyStepTest {
    private static final String UNIT = EtcdProxyReconciler.UNIT;
    private static final AgentFacts FACTS = new AgentFacts("agent-1", Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), false, false);
    private static final String SPEC_A = "etcdProxy: {upstreamEndpoints: [\"http://10.0.0.1:2379\"]}";
    private static final String SPEC_B = "etcdProxy: {upstreamEndpoints: [\"http://10.0.0.1:2379\", \"http://10.0.0.2:2379\"]}";

    private Path root;
    private RootedFiles files;
    private MovableClock clock;
    private RecordingServices services;
    private StubNetwork network;
    private Optional<String> probeProblem = Optional.empty();
    /** A proxy started from a unit with this text in it does not answer (a unit that breaks it). */
    private Optional<String> brokenUnit = Optional.empty();

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.createDirectories(root.resolve("opt/calico-dcos/bin"));
        Files.writeString(root.resolve("opt/calico-dcos/bin/etcd"), "an etcd binary");
        files = new RootedFiles(root);
        clock = MovableClock.realTime();
        services = new RecordingServices(clock);
        network = new StubNetwork("127.0.0.1");
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
    }

    private EtcdProxyReconciler step(CrashPoints crashPoints) {
        RestartGate gate = new RestartGate(files, services, clock, crashPoints, new DisruptionLog(files, clock));
        EtcdProbe probe = (endpoint, mode) -> probeProblem.or(() -> brokenUnit
                .filter(text -> files.read("/etc/systemd/system/" + UNIT).map(String::new).orElse("").contains(text))
                .map(text -> "connection refused"));
        return new EtcdProxyReconciler(files, services, network, url -> fail("no download expected"), name -> List.of(), probe,
                gate, clock, crashPoints);
    }

    private EtcdProxyReconciler step() {
        return step(CrashPoints.NONE);
    }

    private static StepContext context(ResolvedPlan plan) {
        return new StepContext(plan, FACTS, Optional.empty());
    }

    private static StepContext context(String spec) {
        return context(plan(spec));
    }

    private static StepContext granted(String spec, String hash) {
        return context(plan(spec).withRestartGrant(Optional.of(new RestartGrant(StepName.ETCD_PROXY, hash, Instant.now()))));
    }

    private String unitFile() throws IOException {
        return Files.readString(root.resolve("etc/systemd/system/" + UNIT));
    }

    /**
     * First install, then one verified pass: the proxy runs and answers. Then, as if time had
     * passed, the unit was written 10 s ago and the proxy started 5 s ago (ActiveEnterTimestamp and
     * file times have whole seconds that must tell them apart, and tests do not wait).
     */
    private void installed(String spec) throws IOException {
        step().reconcile(context(spec));
        StepOutcome done = step().reconcile(context(spec));
        assertThat(done.phase()).as(done.message()).isEqualTo(StepPhase.DONE);
        Files.setLastModifiedTime(root.resolve("etc/systemd/system/" + UNIT), FileTime.from(Instant.now().minusSeconds(10)));
        services.active(UNIT, Instant.now().minusSeconds(5));
    }

    @Test
    void theDefaultEtcdReleaseIsCheckedAgainstItsPublishedChecksumThoughTheSpecPinsNone() throws IOException {
        Files.delete(root.resolve("opt/calico-dcos/bin/etcd"));
        List<String> fetched = new java.util.ArrayList<>();
        EtcdProxyReconciler step = new EtcdProxyReconciler(files, services, network, url -> {
            fetched.add(url);
            return "a tampered tarball".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }, name -> List.of(), (endpoint, mode) -> Optional.empty(),
                new RestartGate(files, services, clock, CrashPoints.NONE, new DisruptionLog(files, clock)), clock, CrashPoints.NONE);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> step.reconcile(context(SPEC_A)))
                .isInstanceOfSatisfying(StepFailure.class, f -> assertThat(f.reason()).isEqualTo(StepReason.CHECKSUM_MISMATCH))
                .hasMessageEndingWith("but etcd published f0c53075564c1b98f5e6b1c009dd5c55b911fae1fe4993913246e8d2c8976651");
        assertThat(fetched).containsExactly("https://github.com/etcd-io/etcd/releases/download/v3.4.23/etcd-v3.4.23-linux-amd64.tar.gz");
        assertThat(Files.exists(root.resolve("opt/calico-dcos/bin/etcd"))).as("nothing installed").isFalse();
    }

    @Test
    void aFirstInstallWritesTheUnitReloadsEnablesAndStartsItWithoutAGrant() throws IOException {
        StepOutcome first = step().reconcile(context(SPEC_A));

        assertThat(first.phase()).isEqualTo(StepPhase.APPLYING);
        assertThat(services.calls()).containsExactly("daemon-reload", "enable " + UNIT, "start " + UNIT);
        assertThat(unitFile()).contains("\"--endpoints=10.0.0.1:2379\"", "Restart=always");
        StepOutcome second = step().reconcile(context(SPEC_A));
        assertThat(second.phase()).isEqualTo(StepPhase.DONE);
        assertThat(second.message()).contains("answers");
        assertThat(services.calls()).hasSize(3);
    }

    @Test
    void aNewNodeAgentAdoptsARunningUnitWithTheSameContent() throws IOException {
        installed(SPEC_A);
        List<String> before = services.calls();

        StepOutcome adopted = step().reconcile(context(SPEC_A));

        assertThat(adopted.phase()).isEqualTo(StepPhase.DONE);
        assertThat(services.calls()).isEqualTo(before);
    }

    @Test
    void aChangedUnitForARunningProxyWaitsForTheGrantThenRestartsItOnce() throws IOException {
        installed(SPEC_A);
        String running = unitFile();

        StepOutcome asking = step().reconcile(context(SPEC_B));

        assertThat(asking.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(asking.message()).contains(UNIT);
        assertThat(unitFile()).as("not written before the grant").isEqualTo(running);
        assertThat(services.calls()).doesNotContain("restart " + UNIT);

        StepContext granted = granted(SPEC_B, asking.desiredHash());
        StepOutcome restarting = step().reconcile(granted);

        assertThat(restarting.phase()).isEqualTo(StepPhase.RESTARTING);
        assertThat(unitFile()).contains("\"--endpoints=10.0.0.1:2379,10.0.0.2:2379\"");
        assertThat(services.calls()).endsWith("daemon-reload", "restart " + UNIT);
        assertThat(step().reconcile(granted).phase()).as("answering: the stability period starts").isEqualTo(StepPhase.RESTARTING);
        clock.advance(Duration.ofSeconds(11)); // the default stability period is 10s
        assertThat(step().reconcile(granted).phase()).isEqualTo(StepPhase.DONE);
        assertThat(services.calls().stream().filter(c -> c.startsWith("restart")).count()).isEqualTo(1);
        assertThat(files.read("/var/lib/calico-dcos/restarts/etcdProxy.json")).isEmpty();
    }

    @Test
    void aNewUnitWhoseProxyNeverAnswersIsRolledBackToTheUnitTheProxyRanBefore() throws IOException {
        installed(SPEC_A);
        String running = unitFile();
        brokenUnit = Optional.of("10.0.0.2:2379");
        StepContext granted = granted(SPEC_B, step().reconcile(context(SPEC_B)).desiredHash());
        assertThat(step().reconcile(granted).phase()).isEqualTo(StepPhase.RESTARTING);

        StepOutcome outcome = step().reconcile(granted);
        for (int i = 0; i < 60 && outcome.phase() == StepPhase.RESTARTING; i++) {
            clock.advance(Duration.ofSeconds(10));
            outcome = step().reconcile(granted);
        }

        assertThat(outcome.phase()).as(outcome.message()).isEqualTo(StepPhase.FAILED);
        assertThat(outcome.reason()).contains(StepReason.ROLLED_BACK);
        assertThat(outcome.message()).contains("connection refused", "restored");
        assertThat(unitFile()).isEqualTo(running);
        assertThat(services.calls().stream().filter(c -> c.equals("restart " + UNIT)).count()).as("the change, then the rollback")
                .isEqualTo(2);
        assertThat(Files.readAllLines(root.resolve("var/log/calico-dcos/disruptions.log"))).hasSize(2);
    }

    /** Stopped by someone, or its unit changed while it was down: nothing runs, so no grant is needed. */
    @ParameterizedTest
    @ValueSource(strings = {SPEC_A, SPEC_B})
    void aProxyThatIsNotRunningIsStartedWithoutAGrant(String spec) throws IOException {
        installed(SPEC_A);
        services.inactive(UNIT);

        StepOutcome outcome = step().reconcile(context(spec));

        assertThat(outcome.phase()).isEqualTo(StepPhase.APPLYING);
        String endpoints = String.join(",", plan(spec).spec().etcdProxy().upstreamEndpoints()).replace("http://", "");
        assertThat(unitFile()).contains("\"--endpoints=" + endpoints + "\"");
        assertThat(services.calls()).endsWith("daemon-reload", "start " + UNIT);
    }

    @Test
    void aProxyThatStaysUnansweringIsRestartedAfterTheGracePeriodAndSaysWhy() throws IOException {
        installed(SPEC_A);
        probeProblem = Optional.of("connection refused");
        EtcdProxyReconciler step = step();

        StepOutcome early = step.reconcile(context(SPEC_A));
        clock.advance(EtcdProxyReconciler.GRACE.plusSeconds(1));
        StepOutcome late = step.reconcile(context(SPEC_A));

        assertThat(early.phase()).isEqualTo(StepPhase.APPLYING);
        assertThat(late.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(late.reason()).contains(StepReason.ETCD_PROXY_NOT_ANSWERING);
        assertThat(late.message()).contains("connection refused", "restarted " + UNIT);
        assertThat(services.calls().stream().filter(c -> c.equals("restart " + UNIT)).count()).isEqualTo(1);
    }

    /**
     * Upstream etcd restarting (a rolling restart of the etcd cluster) fails reads through every
     * agent's proxy for a few seconds: that is no reason to restart the proxies, which have long
     * been running. Only a failure that lasts the grace period is.
     */
    @Test
    void aLongRunningProxyThatStopsAnsweringBrieflyIsNotRestartedOnlyOneFailingForTheGracePeriodIs() throws IOException {
        installed(SPEC_A);
        EtcdProxyReconciler step = step();
        clock.advance(EtcdProxyReconciler.GRACE.multipliedBy(10));
        assertThat(step.reconcile(context(SPEC_A)).phase()).isEqualTo(StepPhase.DONE);

        probeProblem = Optional.of("etcdserver: request timed out");
        StepOutcome blip = step.reconcile(context(SPEC_A));
        clock.advance(Duration.ofSeconds(5));
        probeProblem = Optional.empty();
        StepOutcome back = step.reconcile(context(SPEC_A));
        probeProblem = Optional.of("connection refused");
        clock.advance(Duration.ofSeconds(5));
        StepOutcome failingAgain = step.reconcile(context(SPEC_A));
        clock.advance(EtcdProxyReconciler.GRACE.minusSeconds(1));
        StepOutcome stillWithinGrace = step.reconcile(context(SPEC_A));
        clock.advance(Duration.ofSeconds(2));
        StepOutcome pastGrace = step.reconcile(context(SPEC_A));

        assertThat(blip.phase()).isEqualTo(StepPhase.APPLYING);
        assertThat(blip.message()).contains("not answering since", "request timed out");
        assertThat(back.phase()).isEqualTo(StepPhase.DONE);
        assertThat(failingAgain.phase()).as("the failure counts from when it began again").isEqualTo(StepPhase.APPLYING);
        assertThat(stillWithinGrace.phase()).isEqualTo(StepPhase.APPLYING);
        assertThat(pastGrace.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(pastGrace.reason()).contains(StepReason.ETCD_PROXY_NOT_ANSWERING);
        assertThat(services.calls().stream().filter(c -> c.equals("restart " + UNIT)).count()).isEqualTo(1);
    }

    @Test
    void aListenAddressHeldByAnotherProgramIsReportedAndNothingIsStarted() {
        network.listening("127.0.0.1:2379");

        StepOutcome outcome = step().reconcile(context(SPEC_A));

        assertThat(outcome.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(outcome.reason()).contains(StepReason.LISTEN_ADDRESS_IN_USE);
        assertThat(outcome.message()).contains("127.0.0.1:2379", UNIT, "spec.etcdProxy.listenAddress");
        assertThat(services.calls()).isEmpty();
        assertThat(files.isRegularFile(EtcdProxyReconciler.UNIT_PATH)).isFalse();
    }

    @Test
    void theListenAddressIsCheckedOnThisHostsLoopback() {
        network = new StubNetwork("127.0.0.9").listening("127.0.0.1:2379");

        StepOutcome outcome = step().reconcile(context(SPEC_A));

        assertThat(outcome.phase()).as("127.0.0.1 is another agent's here").isEqualTo(StepPhase.APPLYING);
        network.listening("127.0.0.9:2379");
        services.inactive(UNIT);
        assertThat(step().reconcile(context(SPEC_A)).reason()).contains(StepReason.LISTEN_ADDRESS_IN_USE);
    }

    @Test
    @Tag("integration")
    void theOldDesignsPidFileIsDeletedAndThePidInItIsNeverSignalled() throws Exception {
        Process foreign = new ProcessBuilder("sleep", "600").start();
        try {
            Files.createDirectories(root.resolve("var/lib/calico-dcos"));
            Files.writeString(root.resolve("var/lib/calico-dcos/etcd-proxy.json"),
                    "{\"pid\":" + foreign.pid() + ",\"startedAt\":\"2020-01-01T00:00:00Z\"}");

            installed(SPEC_A);
            step().remove(context(SPEC_A));

            assertThat(foreign.isAlive()).isTrue();
            assertThat(files.read("/var/lib/calico-dcos/etcd-proxy.json")).isEmpty();
        } finally {
            foreign.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void removeDisablesAndStopsTheUnitDeletesItAndReloadsSystemd() throws IOException {
        installed(SPEC_A);

        StepOutcome removed = step().remove(context(SPEC_A));

        assertThat(removed.phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(services.calls()).endsWith("disable --now " + UNIT, "daemon-reload");
        assertThat(files.isRegularFile(EtcdProxyReconciler.UNIT_PATH)).isFalse();
        assertThat(files.existedBeforeUs(EtcdProxyReconciler.UNIT_PATH)).isEmpty();
        assertThat(step().remove(context(SPEC_A)).phase()).as("again: nothing left to do").isEqualTo(StepPhase.REMOVED);
        assertThat(services.calls()).endsWith("disable --now " + UNIT, "daemon-reload");
    }

    @Test
    void aValueThatCannotGoIntoTheUnitIsAStepFailureNamingTheField() {
        try {
            step().reconcile(context("etcdProxy:\n  upstreamEndpoints: [\"http://10.0.0.1:2379\"]\n"
                    + "  upstreamTls: {caFile: \"/etc/ca\\u0007.pem\"}"));
            fail("expected a StepFailure");
        } catch (StepFailure failure) {
            assertThat(failure.reason()).isEqualTo(StepReason.UNSAFE_UNIT_VALUE);
            assertThat(failure.getMessage()).contains("spec.etcdProxy.upstreamTls.caFile");
        }
        assertThat(services.calls()).isEmpty();
    }

    /** Thrown at the chosen point; an Error so that no step code catches it, as with a real kill. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("crashed at " + point);
        }
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {"etcd-proxy.unit-written", "restart.before", "restart.after", "restart.marked"})
    void aChangedUnitResumesAfterACrashWithExactlyOneRestart(String point) throws IOException {
        installed(SPEC_A);
        String hash = step().reconcile(context(SPEC_B)).desiredHash();
        StepContext granted = granted(SPEC_B, hash);
        try {
            step(reached -> {
                if (reached.equals(point)) {
                    throw new SimulatedCrash(point);
                }
            }).reconcile(granted);
            fail("the crash point was never reached");
        } catch (SimulatedCrash expected) {
            // a fresh node agent takes over below
        }

        StepOutcome outcome = step().reconcile(granted);
        for (int pass = 0; pass < 5 && outcome.phase() != StepPhase.DONE; pass++) {
            clock.advance(Duration.ofSeconds(11));
            outcome = step().reconcile(granted);
        }

        assertThat(outcome.phase()).as(outcome.message()).isEqualTo(StepPhase.DONE);
        assertThat(unitFile()).contains("10.0.0.2:2379");
        assertThat(services.calls().stream().filter(c -> c.equals("restart " + UNIT)).count()).isEqualTo(1);
    }
}
