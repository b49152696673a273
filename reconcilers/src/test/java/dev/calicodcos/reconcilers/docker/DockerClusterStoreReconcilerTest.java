package dev.calicodcos.reconcilers.docker;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.TestSpecs;
import dev.calicodcos.reconcilers.agent.StepRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** dockerClusterStore against a real dockerd, real files and a recording fake systemctl. */
@Tag("integration")
class DockerClusterStoreReconcilerTest {
    static final String ONLY_DOCKER = TestSpecs.ONLY_DOCKER;
    static final String USER_DAEMON_JSON = "{\n  \"log-level\": \"warn\",\n  \"debug\": false\n}\n";

    private final ObjectMapper json = new ObjectMapper();
    private TestHost agent;
    private StepRunner runner;

    @BeforeEach
    void setUp() {
        agent = TestHost.withDocker();
        runner = agent.runner();
        agent.write("/etc/docker/daemon.json", USER_DAEMON_JSON);
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    @Test
    void mergesTheStoreKeepingUserKeysAndWaitsForAGrantBeforeRestartingDocker() throws Exception {
        AgentReport first = runner.runOnce(plan(ONLY_DOCKER), Optional.empty());

        StepReport docker = step(first, StepName.DOCKER_CLUSTER_STORE);
        assertThat(docker.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(agent.read("/etc/docker/daemon.json")).isEqualTo("""
                {
                  "log-level" : "warn",
                  "debug" : false,
                  "cluster-store" : "etcd://127.0.0.1:23790"
                }
                """);
        // Docker 20.10 does not take a new cluster store on reload: the step tried that, then asks.
        assertThat(agent.systemctl().disruptiveCalls()).containsExactly("reload docker");
        assertThat(docker.message()).contains("after a reload", "restart grant");

        AgentReport done = converge(runner, plan(ONLY_DOCKER));

        assertThat(step(done, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(1);
        assertThat(agent.host().docker().info().clusterStore()).contains("etcd://127.0.0.1:23790");
    }

    @Test
    void aFailingReloadAsksForARestartGrantInsteadOfFailingTheStep() {
        agent.systemctl().onVerb("docker", "reload", "echo 'Job for docker.service failed.' >&2; exit 1");

        AgentReport first = runner.runOnce(plan(ONLY_DOCKER), Optional.empty());

        StepReport docker = step(first, StepName.DOCKER_CLUSTER_STORE);
        assertThat(docker.phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(docker.message()).contains("reloading docker failed", "Job for docker.service failed");
        AgentReport done = converge(runner, plan(ONLY_DOCKER));
        assertThat(step(done, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(1);
        assertThat(agent.host().docker().info().clusterStore()).contains("etcd://127.0.0.1:23790");
    }

    @Test
    void applyingTwiceChangesNothingTheSecondTime() throws Exception {
        AgentReport done = converge(runner, plan(ONLY_DOCKER));
        Path file = agent.path("/etc/docker/daemon.json");
        Object inode = Files.getAttribute(file, "unix:ino");
        var mtime = Files.getLastModifiedTime(file);
        List<String> callsBefore = agent.systemctl().disruptiveCalls();

        AgentReport again = agent.runner().runOnce(plan(ONLY_DOCKER), Optional.of(done));

        assertThat(step(again, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.DONE);
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
        assertThat(agent.systemctl().disruptiveCalls()).isEqualTo(callsBefore);
    }

    @Test
    void neverRestartsDockerWithoutAGrant() {
        ResolvedPlan plan = plan(ONLY_DOCKER);
        for (int pass = 0; pass < 5; pass++) {
            runner.runOnce(plan, Optional.empty());
        }

        assertThat(agent.systemctl().restartsOf("docker")).isZero();
    }

    @Test
    void removeLeavesOnlyTheUserKeys() throws Exception {
        converge(runner, plan(ONLY_DOCKER));
        agent.write("/etc/docker/daemon.json",
                agent.read("/etc/docker/daemon.json").replace("\"debug\" : false", "\"debug\" : false,\n  \"max-concurrent-downloads\" : 2"));

        AgentReport removed = converge(runner, plan(ONLY_DOCKER.replace("cni: {enabled: false}",
                "cni: {enabled: false}\ndockerClusterStore: {enabled: false}")));

        assertThat(step(removed, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.REMOVED);
        assertThat(json.readTree(agent.read("/etc/docker/daemon.json")))
                .isEqualTo(json.readTree("{\"log-level\": \"warn\", \"debug\": false, \"max-concurrent-downloads\": 2}"));
        assertThat(agent.host().docker().info().clusterStore()).isEmpty();
    }

    @Test
    void anotherClusterStoreIsAConflictAndIsLeftAlone() {
        String theirs = "{\"cluster-store\": \"consul://10.0.0.1:8500\"}\n";
        agent.write("/etc/docker/daemon.json", theirs);

        AgentReport report = runner.runOnce(plan(ONLY_DOCKER), Optional.empty());

        StepReport docker = step(report, StepName.DOCKER_CLUSTER_STORE);
        assertThat(docker.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(docker.reason()).contains("ClusterStoreConflict");
        assertThat(docker.message()).contains("consul://10.0.0.1:8500", "takeOver");
        assertThat(agent.read("/etc/docker/daemon.json")).isEqualTo(theirs);
    }

    @Test
    void takeOverReplacesAnotherClusterStore() {
        agent.write("/etc/docker/daemon.json", "{\"cluster-store\": \"consul://10.0.0.1:8500\"}\n");

        AgentReport report = runner.runOnce(plan(ONLY_DOCKER + "dockerClusterStore: {takeOver: true}\n"), Optional.empty());

        assertThat(step(report, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.AWAITING_RESTART);
        assertThat(agent.read("/etc/docker/daemon.json")).contains("etcd://127.0.0.1:23790");
    }

    @Test
    void unparsableDaemonJsonIsReportedAndLeftAlone() {
        agent.write("/etc/docker/daemon.json", "{\"log-level\": \"warn\",,}");

        AgentReport report = runner.runOnce(plan(ONLY_DOCKER), Optional.empty());

        StepReport docker = step(report, StepName.DOCKER_CLUSTER_STORE);
        assertThat(docker.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(docker.reason()).contains("DaemonJsonInvalid");
        assertThat(docker.message()).contains("/etc/docker/daemon.json is not valid JSON");
        assertThat(agent.read("/etc/docker/daemon.json")).isEqualTo("{\"log-level\": \"warn\",,}");
    }

    @Test
    void dockerNotRunningIsReportedNotThrown() {
        agent.dockerd().stop();

        AgentReport report = runner.runOnce(plan(ONLY_DOCKER), Optional.empty());

        StepReport docker = step(report, StepName.DOCKER_CLUSTER_STORE);
        assertThat(docker.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(docker.reason()).contains("DockerNotRunning");
        assertThat(report.facts().dockerVersion()).isEmpty();
        assertThat(agent.read("/etc/docker/daemon.json")).isEqualTo(USER_DAEMON_JSON);
    }

    @Test
    void aDaemonJsonDockerdRefusesIsRolledBackAndDockerRunsAgain() {
        // dockerd 20.10 refuses to start when cluster-advertise names no interface of this machine.
        ResolvedPlan plan = plan(ONLY_DOCKER.replace("stabilityPeriod: 1s", "stabilityPeriod: 1s\n  restartTimeout: 5s")
                + "dockerClusterStore: {clusterAdvertise: \"nosuchif0:2376\"}\n");
        AtomicReference<ResolvedPlan> current = new AtomicReference<>(plan);
        AtomicReference<AgentReport> last = new AtomicReference<>();

        await().atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(() -> {
            AgentReport report = runner.runOnce(current.get(), Optional.ofNullable(last.get()));
            last.set(report);
            current.set(TestHost.grantingAwaited(current.get(), report));
            return step(report, StepName.DOCKER_CLUSTER_STORE).phase() == StepPhase.FAILED;
        });

        StepReport docker = step(last.get(), StepName.DOCKER_CLUSTER_STORE);
        assertThat(docker.reason()).contains("RolledBack");
        assertThat(docker.message()).contains("restored the previous /etc/docker/daemon.json", "docker is active");
        assertThat(agent.read("/etc/docker/daemon.json")).isEqualTo(USER_DAEMON_JSON);
        assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(2);
        assertThat(agent.dockerd().answersPing()).isTrue();
        assertThat(agent.host().docker().info().clusterStore()).isEmpty();
        assertThat(agent.read("/var/log/calico-dcos/disruptions.log").lines().map(l -> l.split(" ")[1]))
                .containsExactly("begin", "end");

        AgentReport again = runner.runOnce(current.get(), Optional.of(last.get()));
        assertThat(step(again, StepName.DOCKER_CLUSTER_STORE).reason()).as("not tried again under the same grant").contains("RolledBack");
        assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(2);
    }
}
