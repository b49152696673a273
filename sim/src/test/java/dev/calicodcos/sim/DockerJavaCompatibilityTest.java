package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.calicodcos.sim.docker.KnownImage;
import dev.calicodcos.sim.docker.Registry;
import java.util.concurrent.TimeUnit;

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
        assertThat(docker.listImagesCmd().exec()).flatExtracting(i -> List.of(i.getRepoTags()))
                .contains("busybox:latest", "calico/node:v3.16.1");
    }

    @Test
    void pullsComeFromTheRegistryAndUnknownImagesAreNotFound() throws Exception {
        docker.pullImageCmd("calico/node").withTag("v2.6.11").start().awaitCompletion(10, TimeUnit.SECONDS);
        KnownImage known = Registry.standard().image("calico/node:v2.6.11").orElseThrow();

        InspectImageResponse image = docker.inspectImageCmd("calico/node:v2.6.11").exec();

        assertThat(image.getId()).isEqualTo(known.id());
        assertThat(image.getRepoDigests()).containsExactly("calico/node@" + known.digest());
        assertThatThrownBy(() -> docker.pullImageCmd("calico/node:v9").start().awaitCompletion(10, TimeUnit.SECONDS))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("manifest for calico/node:v9 not found");
        assertThatThrownBy(() -> docker.pullImageCmd("calico/nope:v1").start().awaitCompletion(10, TimeUnit.SECONDS))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("pull access denied for calico/nope");
    }

    @Test
    void renameUpdateAndInspectAsTheNodeAgentUsesThemForARollback() {
        String id = docker.createContainerCmd("calico/node:v3.16.1").withName("calico-node-rollout")
                .withEnv("ETCD_ENDPOINTS=http://127.0.0.1:2379", "NODENAME=10.0.1.21").withLabels(Map.of("step", "node"))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withPrivileged(true)
                        .withBinds(Bind.parse("/lib/modules:/lib/modules"), Bind.parse("/var/run/calico:/var/run/calico"),
                                Bind.parse("/var/log/calico:/var/log/calico"), Bind.parse("/run:/run"))
                        .withRestartPolicy(RestartPolicy.alwaysRestart()))
                .exec().getId();
        docker.createContainerCmd("busybox").withName("calico-node-taken").exec();
        docker.startContainerCmd(id).exec();

        docker.renameContainerCmd(id).withName("calico-node-previous").exec();
        docker.updateContainerCmd(id).withRestartPolicy(RestartPolicy.noRestart()).exec();     // Name "": left as it is
        RestartPolicy afterNoRestart = docker.inspectContainerCmd(id).exec().getHostConfig().getRestartPolicy();
        docker.updateContainerCmd(id).withRestartPolicy(policy("{\"Name\":\"no\"}")).exec();
        InspectContainerResponse inspect = docker.inspectContainerCmd("calico-node-previous").exec();

        assertThat(afterNoRestart).isEqualTo(RestartPolicy.alwaysRestart());
        assertThat(inspect.getHostConfig().getRestartPolicy().getName()).isEqualTo("no");
        assertThat(inspect.getName()).isEqualTo("/calico-node-previous");
        assertThat(inspect.getImageId()).isEqualTo(Registry.standard().image("calico/node:v3.16.1").orElseThrow().id());
        assertThat(inspect.getConfig().getImage()).isEqualTo("calico/node:v3.16.1");
        assertThat(inspect.getConfig().getLabels()).containsEntry("step", "node");
        assertThat(inspect.getHostConfig().getBinds()).hasSize(4);
        assertThat(inspect.getState().getStatus()).isEqualTo("running");
        assertThat(inspect.getState().getRestarting()).isFalse();
        assertThat(inspect.getState().getStartedAt()).isNotBlank();
        assertThat(inspect.getRestartCount()).isZero();
        assertThatThrownBy(() -> docker.renameContainerCmd(id).withName("calico-node-taken").exec())
                .isInstanceOf(ConflictException.class);
        docker.removeContainerCmd(id).withForce(true).exec();
        docker.removeContainerCmd("calico-node-taken").exec();
    }

    /** docker-java 3.5's {@code Info} has no getter for it: it is among the raw values. */
    @Test
    void infoReportsLiveRestoreFromDaemonJson() throws Exception {
        assertThat(docker.infoCmd().exec().getRawValues()).containsEntry("LiveRestoreEnabled", false);
        Files.writeString(cluster.agent("10.0.1.21").hostRoot().daemonJson(), "{\"live-restore\":true}");
        cluster.agent("10.0.1.21").systemctl().run(List.of("reload", "docker"));

        assertThat(docker.infoCmd().exec().getRawValues()).containsEntry("LiveRestoreEnabled", true);
        Files.delete(cluster.agent("10.0.1.21").hostRoot().daemonJson());
        cluster.agent("10.0.1.21").systemctl().run(List.of("reload", "docker"));
    }

    /** A policy with the name {@code no}, which docker-java's own factories cannot make ({@code noRestart()} sends ""). */
    private static RestartPolicy policy(String json) {
        try {
            return new ObjectMapper().readValue(json, RestartPolicy.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
