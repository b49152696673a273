package dev.calicodcos.reconcilers;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.etcdproxy.EtcdProxyReconciler;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Executables;
import dev.calicodcos.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All five steps on one agent: the gateway in front of a real etcd, docker's cluster store pointing
 * at the gateway, the CNI files, both containers; then uninstall puts the host back as it was.
 */
@Tag("integration")
class AllStepsTest {
    private static EtcdServer etcd;

    @TempDir
    Path downloads;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startEtcd() {
        assumeTrue(Executables.find("etcd").isPresent(), "etcd is not installed (apt-get install etcd-server)");
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void installsEverythingInOrderThenUninstallsToTheHostAsItWas() throws Exception {
        try (TestHost agent = TestHost.withDocker()) {
            String userDaemonJson = "{\"log-level\": \"warn\"}\n";
            agent.write("/etc/docker/daemon.json", userDaemonJson);
            agent.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos 1.4.0'");
            Path etcdBinary = agent.path("/opt/calico-dcos/bin/etcd");
            Files.createDirectories(etcdBinary.getParent());
            Files.createSymbolicLink(etcdBinary, Executables.find("etcd").orElseThrow());
            int proxyPort = FreePorts.next();
            ResolvedPlan install = plan(spec(proxyPort));

            AgentReport installed = converge(agent.runner(), install);

            assertThat(installed.steps().values()).allMatch(s -> s.phase() == StepPhase.DONE);
            assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(1);
            assertThat(agent.host().docker().inspect("calico-node")).isPresent();

            // A spec change that only the cni step reads reruns only that step.
            Object daemonJsonInode = Files.getAttribute(agent.path("/etc/docker/daemon.json"), "unix:ino");
            String nodeId = agent.host().docker().inspect("calico-node").orElseThrow().id();
            ResolvedPlan mtuChanged = plan(spec(proxyPort).replace("cni:\n", "cni:\n  mtu: 1440\n"));
            AgentReport changed = converge(agent.runner(), mtuChanged);
            assertThat(changed.steps().get(StepName.CNI).desiredHash()).isNotEqualTo(installed.steps().get(StepName.CNI).desiredHash());
            assertThat(changed.steps().get(StepName.NODE).desiredHash()).isEqualTo(installed.steps().get(StepName.NODE).desiredHash());
            assertThat(agent.read("/opt/mesosphere/etc/dcos/network/cni/calico.cni")).contains("1440");
            assertThat(Files.getAttribute(agent.path("/etc/docker/daemon.json"), "unix:ino")).isEqualTo(daemonJsonInode);
            assertThat(agent.host().docker().inspect("calico-node").orElseThrow().id()).isEqualTo(nodeId);
            assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(1);

            ResolvedPlan uninstall = new ResolvedPlan(new AgentPlan(install.plan().agentId(), 2, install.plan().stepHashes(), Optional.empty(),
                    false, true), install.spec());
            AgentReport removed = converge(agent.runner(), uninstall);

            assertThat(removed.steps().values()).allMatch(s -> s.phase() == StepPhase.REMOVED);
            assertThat(json.readTree(agent.read("/etc/docker/daemon.json"))).isEqualTo(json.readTree(userDaemonJson));
            assertThat(agent.host().docker().info().clusterStore()).isEmpty();
            assertThat(agent.host().docker().inspect("calico-node")).isEmpty();
            assertThat(agent.host().docker().inspect("calico-libnetwork")).isEmpty();
            assertThat(agent.host().files().list("/opt/mesosphere/etc/dcos/network/cni")).isEmpty();
            assertThat(agent.host().files().list("/opt/mesosphere/active/cni")).isEmpty();
            assertThat(agent.host().files().isRegularFile(EtcdProxyReconciler.UNIT_PATH)).isFalse();
            assertThat(agent.systemctl().mainPid("calico-dcos-etcd-proxy")).isEmpty();
            assertThat(agent.systemctl().restartsOf("docker")).isEqualTo(2);
            assertThat(step(removed)).isEqualTo(StepPhase.REMOVED);
        }
    }

    private static StepPhase step(AgentReport report) {
        return report.steps().get(StepName.ETCD_PROXY).phase();
    }

    private String spec(int proxyPort) throws Exception {
        Files.writeString(downloads.resolve("calico"), "calico v1");
        Files.writeString(downloads.resolve("calico-ipam"), "ipam v1");
        return """
                etcd:
                  endpoints: ["http://127.0.0.1:%1$d"]
                rollout: {stabilityPeriod: 1s}
                etcdProxy:
                  listenAddress: 127.0.0.1:%1$d
                  upstreamEndpoints: ["%2$s"]
                cni:
                  plugins:
                    calico: {url: "%3$s", sha256: "%4$s"}
                    calicoIpam: {url: "%5$s", sha256: "%6$s"}
                libnetwork: {image: "%7$s", privileged: false}
                node: {image: "%7$s", privileged: false}
                """.formatted(proxyPort, etcd.endpoint(), downloads.resolve("calico").toUri(), StepHashes.sha256("calico v1"),
                downloads.resolve("calico-ipam").toUri(), StepHashes.sha256("ipam v1"), SharedDockerd.IMAGE);
    }
}
