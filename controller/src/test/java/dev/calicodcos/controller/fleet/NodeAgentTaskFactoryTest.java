package dev.calicodcos.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.calicodcos.controller.artifacts.NodeArtifacts;
import dev.calicodcos.controller.mesos.FetchUri;
import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.ResourceOrigin;
import dev.calicodcos.controller.mesos.TaskLaunch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentTaskFactoryTest {
    private static final String JAR_SHA = "a".repeat(64);
    private static final String RUNTIME_SHA = "b".repeat(64);

    private final NodeAgentTaskFactory factory = new NodeAgentTaskFactory("0.1.0",
            new FetchedArtifact("http://c:8080/artifacts/" + RUNTIME_SHA + "/calico-dcos-runtime.tar.gz", RUNTIME_SHA),
            new FetchedArtifact("http://c:8080/artifacts/" + JAR_SHA + "/calico-dcos.jar", JAR_SHA),
            List.of("--etcd-endpoints", "http://e:2379"), 0.2, 384, Map.of());
    private final Offer offer = new Offer("o1", "fw", "a1", "a1.example.com", Optional.of("slave_public"),
            List.of(Resource.scalar("cpus", 2, ResourceOrigin.of("slave_public", "slave_public")),
                    Resource.scalar("mem", 4096, ResourceOrigin.of("slave_public", "slave_public"))), Map.of(), List.of());

    @Test
    void theTaskRunsTheJarOnTheFetchedRuntimeWithoutAShellNeverOnTheAgentsJava() {
        TaskLaunch task = factory.launch(offer, "a1", 7);

        assertThat(task.command().shell()).isFalse();
        assertThat(task.command().value()).isEqualTo("calico-dcos-runtime/bin/java");
        assertThat(task.command().arguments().get(0)).isEqualTo("calico-dcos-runtime/bin/java");
        assertThat(task.command().arguments()).as("JVM options before the jar").containsSubsequence("-XX:TieredStopAtLevel=1", "-jar");
        assertThat(task.command().arguments()).containsSubsequence("-jar", "calico-dcos.jar", "node", "--agent-id", "a1",
                "--jar-sha256", JAR_SHA, "--runtime-sha256", RUNTIME_SHA, "--runtime-archive", "calico-dcos-runtime.tar.gz",
                "--etcd-endpoints", "http://e:2379");
        assertThat(String.join(" ", task.command().arguments())).doesNotContain("/opt/mesosphere");
    }

    @Test
    void theRuntimeIsExtractedAndBothFilesAreCachedUnderUrlsThatNameTheirContent() {
        List<FetchUri> uris = factory.launch(offer, "a1", 7).command().uris();

        assertThat(uris).extracting(FetchUri::value, FetchUri::extract, FetchUri::cache, FetchUri::executable, FetchUri::outputFile)
                .containsExactly(
                        tuple("http://c:8080/artifacts/" + RUNTIME_SHA + "/calico-dcos-runtime.tar.gz", true, true, false, Optional.empty()),
                        tuple("http://c:8080/artifacts/" + JAR_SHA + "/calico-dcos.jar", false, true, false, Optional.of("calico-dcos.jar")));
    }

    @Test
    void theTaskIsLabelledWithBothChecksumsAndItsVersion() {
        TaskLaunch task = factory.launch(offer, "a1", 7);

        assertThat(task.labels()).containsEntry("calico-dcos/jar-sha256", JAR_SHA)
                .containsEntry("calico-dcos/runtime-sha256", RUNTIME_SHA)
                .containsEntry("calico-dcos/version", factory.version());
        assertThat(task.taskId()).isEqualTo(NodeAgentTask.taskId("a1", factory.version(), 7));
    }

    @Test
    void aNewJarOrANewRuntimeIsANewVersionSoTasksAreReplaced() {
        NodeAgentTaskFactory newJar = new NodeAgentTaskFactory("0.1.0", factory.runtime(),
                new FetchedArtifact("http://c:8080/artifacts/" + "c".repeat(64) + "/calico-dcos.jar", "c".repeat(64)),
                factory.nodeArgs(), 0.2, 384, Map.of());
        NodeAgentTaskFactory newRuntime = new NodeAgentTaskFactory("0.1.0",
                new FetchedArtifact("http://c:8080/artifacts/" + "d".repeat(64) + "/calico-dcos-runtime.tar.gz", "d".repeat(64)),
                factory.jar(), factory.nodeArgs(), 0.2, 384, Map.of());

        assertThat(factory.version()).startsWith("0.1.0-").doesNotContain("_");
        assertThat(List.of(factory.version(), newJar.version(), newRuntime.version())).doesNotHaveDuplicates();
    }

    @Test
    void servedByTheControllerTheUrlsAreItsContentAddressedArtifactPaths(@TempDir Path dir) throws IOException {
        Path jar = Files.writeString(dir.resolve("calico-dcos.jar"), "jar");
        Path runtime = Files.writeString(dir.resolve("calico-dcos-runtime-0.1.0-linux-x64.tar.gz"), "runtime");
        NodeArtifacts artifacts = NodeArtifacts.of(jar, runtime);

        NodeAgentTaskFactory served = NodeAgentTaskFactory.servedBy("http://10.0.0.5:8080", artifacts, List.of(), 0.2, 384, Map.of());

        assertThat(served.jar()).isEqualTo(new FetchedArtifact("http://10.0.0.5:8080/artifacts/" + artifacts.jar().sha256() + "/calico-dcos.jar",
                artifacts.jar().sha256()));
        assertThat(served.runtime()).isEqualTo(new FetchedArtifact(
                "http://10.0.0.5:8080/artifacts/" + artifacts.runtime().sha256() + "/calico-dcos-runtime.tar.gz", artifacts.runtime().sha256()));
    }

    @Test
    void theResourcesComeFromTheOffer() {
        TaskLaunch task = factory.launch(offer, "a1", 7);

        assertThat(task.resources()).extracting(Resource::name, Resource::scalar).containsExactly(tuple("cpus", 0.2), tuple("mem", 384.0));
        assertThat(task.resources().get(0).origin().role()).contains("slave_public");
    }
}
