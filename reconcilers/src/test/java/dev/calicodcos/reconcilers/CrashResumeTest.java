package dev.calicodcos.reconcilers;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.grantingAwaited;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node agent dies (like kill -9: nothing after the crash point runs, no cleanup) at each marked
 * point of a disruptive step; a fresh node agent on the same host converges with exactly one
 * restart of the service in total.
 */
@Tag("integration")
class CrashResumeTest {
    @TempDir
    Path downloads;

    /** Thrown at the chosen point; an Error so that no step code catches it, as with a real kill. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("crashed at " + point);
        }
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {"docker.daemon-json-written", "restart.before", "restart.after", "restart.marked"})
    void dockerClusterStoreResumesWithOneDockerRestart(String point) {
        try (TestHost agent = TestHost.withDocker()) {
            agent.write("/etc/docker/daemon.json", "{\"log-level\": \"warn\"}");
            ResolvedPlan plan = plan(TestSpecs.ONLY_DOCKER);

            runUntilCrash(agent.runner(crashAt(point)), plan);
            AgentReport done = converge(agent.runner(), plan);

            assertThat(step(done, StepName.DOCKER_CLUSTER_STORE).phase()).isEqualTo(StepPhase.DONE);
            assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(1);
            assertThat(agent.host().docker().info().clusterStore()).contains("etcd://127.0.0.1:23790");
            assertWindowsClosedInTurn(agent);
        }
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {"cni.binaries-installed", "cni.config-written", "restart.before", "restart.after", "restart.marked"})
    void cniOnMesos10ResumesWithOneAgentRestart(String point) throws IOException {
        try (TestHost agent = TestHost.withDocker()) {
            agent.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos 1.0.1'");
            ResolvedPlan plan = plan(onlyCni());

            runUntilCrash(agent.runner(crashAt(point)), plan);
            AgentReport done = converge(agent.runner(), plan);

            assertThat(step(done, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
            assertThat(agent.systemctl().restartsOf("dcos-mesos-slave")).isEqualTo(1);
            assertThat(agent.host().files().list("/opt/mesosphere/etc/dcos/network/cni")).containsExactly("calico.cni");
            assertWindowsClosedInTurn(agent);
        }
    }

    /**
     * The host's disruption log says only what happened: every window it opens is closed before the
     * next opens, also when the node agent died between opening one and issuing its restart (the
     * restart never ran: that window ends, and the restart issued afterwards opens its own).
     */
    private static void assertWindowsClosedInTurn(TestHost agent) {
        List<String> verbs = agent.read(DisruptionLog.PATH).lines().map(line -> line.split(" ")[1]).toList();
        assertThat(String.join(" ", verbs)).matches("(begin end ?)+");
    }

    private static CrashPoints crashAt(String point) {
        return reached -> {
            if (reached.equals(point)) {
                throw new SimulatedCrash(point);
            }
        };
    }

    /** Passes with grants (as the leader gives them) until the crash point is reached. */
    private static void runUntilCrash(StepRunner runner, ResolvedPlan plan) {
        ResolvedPlan current = plan;
        Optional<AgentReport> last = Optional.empty();
        for (int pass = 0; pass < 50; pass++) {
            try {
                AgentReport report = runner.runOnce(current, last);
                current = grantingAwaited(current, report);
                last = Optional.of(report);
            } catch (SimulatedCrash crash) {
                return;
            }
        }
        fail("the crash point was never reached");
    }

    private String onlyCni() throws IOException {
        return TestSpecs.onlyCni(TestSpecs.servedPlugin(downloads.resolve("calico"), "calico v1"),
                TestSpecs.servedPlugin(downloads.resolve("calico-ipam"), "calico-ipam v1"), "");
    }
}
