package dev.calicodcos.reconcilers.host;

import static dev.calicodcos.reconcilers.TestHost.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.reconcilers.TestHost;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Host programs run with the host's PATH, resolved under the host root, before the task's own. */
class HostsTest {
    private static final String NOTHING = """
            etcdProxy: {enabled: false}
            dockerClusterStore: {enabled: false}
            cni: {enabled: false}
            libnetwork: {enabled: false}
            node: {enabled: false}
            """;

    @Test
    void theHostsBinDirectoriesComeFirstUnderTheRootThenTheTasksPathWithoutRepeats() {
        assertThat(Hosts.commandPath(Path.of("/"), "/usr/bin:/bin"))
                .isEqualTo("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(Hosts.commandPath(Path.of("/tmp/agent"), "/opt/task/bin:/usr/bin"))
                .isEqualTo("/tmp/agent/usr/local/sbin:/tmp/agent/usr/local/bin:/tmp/agent/usr/sbin:/tmp/agent/usr/bin"
                        + ":/tmp/agent/sbin:/tmp/agent/bin:/opt/task/bin:/usr/bin");
        assertThat(Hosts.commandPath(Path.of("/"), null)).isEqualTo("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }

    @Test
    @Tag("integration")
    void detectIpFindsIpInTheHostsSbinThoughTheTaskPathIsOnlyUsrBinAndBin() {
        try (TestHost agent = TestHost.withoutDocker()) {
            agent.script("/usr/sbin/ip", "echo 10.1.2.3");
            agent.script("/opt/mesosphere/bin/detect_ip", "ip -4 route get 1.1.1.1");

            AgentReport report = agent.runner().runOnce(plan(NOTHING), Optional.empty());

            assertThat(agent.environment().get("PATH")).endsWith(":" + TestHost.DCOS_TASK_PATH);
            assertThat(report.facts().ip()).contains("10.1.2.3");
        }
    }

    @Test
    @Tag("integration")
    void systemctlIsFoundUnderTheHostRoot() {
        try (TestHost agent = TestHost.withoutDocker()) {
            String path = Hosts.commandPath(agent.root(), TestHost.DCOS_TASK_PATH);

            assertThat(Hosts.onPath("systemctl", path)).contains(agent.path("/usr/bin/systemctl"));
        }
    }

    @Test
    void theLoopbackComesFromTheEnvironmentAndIsChecked() {
        assertThat(Hosts.loopback(java.util.Map.of())).isEqualTo("127.0.0.1");
        assertThat(Hosts.loopback(java.util.Map.of(Hosts.LOOPBACK_ENV, "127.0.3.4"))).isEqualTo("127.0.3.4");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TcpHostNetwork("10.0.0.1", java.time.Duration.ofSeconds(1)))
                .hasMessageContaining("127.0.0.0/8");
    }
}
