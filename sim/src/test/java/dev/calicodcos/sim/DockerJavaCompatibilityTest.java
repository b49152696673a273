package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The calls a node agent makes through docker-java, against the Docker fake. */
@Tag("integration")
class DockerJavaCompatibilityTest {
    private static SimulatedCluster cluster;
    private static DockerClient docker;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofSeconds(1)).dockerImages(List.of("busybox", "calico/node:v3.16.1")).start();
        String host = cluster.agent("10.0.1.21").docker().dockerHost();
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).withDockerTlsVerify(false).build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(10)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        docker.close();
        cluster.close();
    }

    @Test
    void pingVersionAndInfoReportTheAgentsDockerVersionAndClusterStore() throws Exception {
        Files.writeString(cluster.agent("10.0.1.21").hostRoot().daemonJson(), "{\"cluster-store\":\"etcd://10.0.1.21:2379\"}");
        cluster.agent("10.0.1.21").systemctl().run(List.of("reload", "docker"));

        docker.pingCmd().exec();
        Info info = docker.infoCmd().exec();

        assertThat(docker.versionCmd().exec().getVersion()).isEqualTo("18.09.9");
        assertThat(info.getServerVersion()).isEqualTo("18.09.9");
        assertThat(info.getClusterStore()).isEqualTo("etcd://10.0.1.21:2379");
    }

    @Test
    void containerLifecycleWithLabelsEnvBindsRestartPolicyPrivilegedAndHostNetwork() {
        CreateContainerResponse created = docker.createContainerCmd("calico/node:v3.16.1").withName("calico-node")
                .withEnv("ETCD_ENDPOINTS=http://127.0.0.1:2379", "NODENAME=10.0.1.21", "FELIX_IGNORELOOSERPF=true")
                .withLabels(Map.of("calico-dcos/step", "node"))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withPrivileged(true)
                        .withBinds(Bind.parse("/lib/modules:/lib/modules"), Bind.parse("/var/run/calico:/var/run/calico"),
                                Bind.parse("/var/log/calico:/var/log/calico"), Bind.parse("/run:/run"))
                        .withRestartPolicy(RestartPolicy.alwaysRestart()))
                .exec();
        docker.startContainerCmd(created.getId()).exec();

        InspectContainerResponse inspect = docker.inspectContainerCmd("calico-node").exec();
        List<Container> listed = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("calico-dcos/step", "node")).exec();

        assertThat(inspect.getState().getRunning()).isTrue();
        assertThat(inspect.getConfig().getEnv()).contains("FELIX_IGNORELOOSERPF=true");
        assertThat(inspect.getHostConfig().getNetworkMode()).isEqualTo("host");
        assertThat(inspect.getHostConfig().getPrivileged()).isTrue();
        assertThat(inspect.getHostConfig().getRestartPolicy()).isEqualTo(RestartPolicy.alwaysRestart());
        assertThat(listed).singleElement().satisfies(c -> assertThat(c.getNames()).containsExactly("/calico-node"));

        docker.stopContainerCmd("calico-node").exec();
        docker.removeContainerCmd("calico-node").exec();
        assertThat(docker.listContainersCmd().withShowAll(true).exec()).isEmpty();
        assertThat(docker.inspectImageCmd("calico/node:v3.16.1").exec().getRepoTags()).contains("calico/node:v3.16.1");
        assertThat(docker.listImagesCmd().exec()).hasSize(2);
    }
}
