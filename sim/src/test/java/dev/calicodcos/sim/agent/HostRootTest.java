package dev.calicodcos.sim.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.TestProcesses;
import dev.calicodcos.sim.TestProcesses.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host root looks like a CentOS 7 DC/OS agent: its own ip and detect_ip, host names, executor environment. */
class HostRootTest {
    @TempDir
    Path dir;

    /** Runs a program with exactly the given environment, as a task or a node agent would. */
    private Run run(Map<String, String> env, String... argv) throws IOException, InterruptedException {
        return TestProcesses.run(env, dir, List.of(argv));
    }

    @Test
    @Tag("integration")
    void detectIpFailsAsOnCentOsWhenIpIsNotOnThePathAndPrintsTheAgentsAddressWithTheHostPath() throws Exception {
        HostRoot host = HostRoot.create(dir.resolve("root"), AgentSpec.privateAgent("10.0.1.21"));

        Run taskPath = run(Map.of("PATH", "/usr/bin:/bin"), host.detectIp().toString());
        Run hostPath = run(Map.of("PATH", host.hostPath() + ":/usr/bin:/bin"), host.detectIp().toString());

        assertThat(taskPath.exitCode()).isEqualTo(127);
        assertThat(taskPath.stdout()).isEmpty();
        assertThat(taskPath.stderr().strip()).matches(java.util.regex.Pattern.quote(host.detectIp().toString())
                + ": line \\d+: ip: command not found");
        assertThat(hostPath.exitCode()).isZero();
        assertThat(hostPath.stdout()).isEqualTo("10.0.1.21\n");
        assertThat(hostPath.stderr()).isEmpty();
    }

    @Test
    @Tag("integration")
    void ipAnswersAddressAndRouteQueriesWithTheAgentsAddress() throws Exception {
        HostRoot host = HostRoot.create(dir.resolve("root"), AgentSpec.publicAgent("10.0.5.10"));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        String ip = host.root().resolve("sbin/ip").toString();       // /sbin links to /usr/sbin, as on CentOS 7

        assertThat(run(env, ip, "-4", "-o", "addr", "show").stdout())
                .contains("2: eth0    inet 10.0.5.10/24 brd 10.0.5.255 scope global eth0").contains("inet 127.0.0.1/8");
        assertThat(run(env, ip, "route", "get", "8.8.8.8").stdout()).startsWith("8.8.8.8 via 10.0.5.1 dev eth0 src 10.0.5.10");
        assertThat(run(env, ip, "addr", "show", "dev", "eth1")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("Device \"eth1\" does not exist.");
        });
        assertThat(run(env, ip, "neigh").exitCode()).isEqualTo(255);
    }

    @Test
    void kernelHostNameIsInProcAndEtcHostnameIsOptional() throws Exception {
        HostRoot plain = HostRoot.create(dir.resolve("plain"), AgentSpec.privateAgent("10.0.1.21"));
        HostRoot renamed = HostRoot.create(dir.resolve("renamed"), AgentSpec.privateAgent("10.0.1.22")
                .withKernelHostname("agent-7.unresolvable.invalid").withoutEtcHostname());

        assertThat(plain.root().resolve("proc/sys/kernel/hostname")).hasContent("10.0.1.21");
        assertThat(plain.root().resolve("etc/hostname")).hasContent("10.0.1.21");
        assertThat(renamed.root().resolve("proc/sys/kernel/hostname")).hasContent("agent-7.unresolvable.invalid");
        assertThat(renamed.root().resolve("etc/hostname")).doesNotExist();
    }

    @Test
    void centOsLinksAndTheAgentsOwnToolsAreWhereCentOsHasThem() {
        HostRoot host = HostRoot.create(dir.resolve("root"), AgentSpec.privateAgent("10.0.1.21"));
        Path root = host.root();

        assertThat(root.resolve("usr/sbin/ip")).isExecutable();
        assertThat(root.resolve("sbin/ip")).isExecutable();
        assertThat(root.resolve("bin")).isSymbolicLink();
        assertThat(root.resolve("var/run")).isSymbolicLink();
        assertThat(root.resolve("etc/systemd/system")).isDirectory();
        assertThat(root.resolve("opt/mesosphere/active/java/usr/java/release")).content().contains("JAVA_VERSION=\"1.8.0_192\"");
        assertThat(root.resolve("opt/mesosphere/active/java/bin/java")).isExecutable();
        assertThat(host.hostPath()).isEqualTo(String.join(":", List.of(root + "/usr/local/sbin", root + "/usr/local/bin",
                root + "/usr/sbin", root + "/usr/bin", root + "/sbin", root + "/bin")));
    }

    @Test
    void executorEnvironmentFileIsDcosOwnForTheAgentsVersion() {
        HostRoot current = HostRoot.create(dir.resolve("a"), AgentSpec.privateAgent("10.0.1.21"));
        HostRoot old = HostRoot.create(dir.resolve("b"), AgentSpec.privateAgent("10.0.1.22").withDcosVersion("1.10.11"));

        assertThat(current.executorEnvironment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PATH", "/usr/bin:/bin", "SHELL", "/usr/bin/bash", "LIBPROCESS_NUM_WORKER_THREADS", "8"));
        assertThat(old.executorEnvironment()).containsEntry("LD_LIBRARY_PATH", "/opt/mesosphere/lib")
                .containsEntry("SASL_PATH", "/opt/mesosphere/lib/sasl2").containsEntry("PATH", "/usr/bin:/bin");
    }
}
