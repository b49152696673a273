package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.artifacts.NodeArtifacts;
import dev.calicodcos.controller.mesos.CommandSpec;
import dev.calicodcos.controller.mesos.FetchUri;
import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.TaskLaunch;
import dev.calicodcos.model.hash.StepHashes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the node-agent task for one agent: the Java runtime (extracted) and the jar, both fetched
 * and cached by Mesos, started as {@code calico-dcos-runtime/bin/java} from the sandbox with
 * {@code shell: false} and explicit arguments (never a shell string built from settings). The
 * agent's own Java (DC/OS ships 8) is never used.
 *
 * @param release  this build's version, the readable part of the task version
 * @param runtime  the runtime tarball (its top folder is {@code calico-dcos-runtime/})
 * @param jar      the jar, fetched as {@code calico-dcos.jar}
 * @param nodeArgs the {@code node} command's options other than the agent id and jar checksum (etcd, prefix, cluster)
 */
public record NodeAgentTaskFactory(String release, FetchedArtifact runtime, FetchedArtifact jar, List<String> nodeArgs,
                                   double cpus, double memMb, Map<String, String> environment) {
    /** The runtime's java, relative to the sandbox (the task's working directory). */
    public static final String JAVA = "calico-dcos-runtime/bin/java";
    public static final String JAR_SHA256_LABEL = "calico-dcos/jar-sha256";
    public static final String RUNTIME_SHA256_LABEL = "calico-dcos/runtime-sha256";
    public static final String VERSION_LABEL = "calico-dcos/version";

    public NodeAgentTaskFactory {
        nodeArgs = List.copyOf(nodeArgs);
        environment = Map.copyOf(environment);
    }

    /** The artifacts as {@code controllerUrl} serves them, at URLs that name their content. */
    public static NodeAgentTaskFactory servedBy(String controllerUrl, NodeArtifacts artifacts, List<String> nodeArgs,
                                                double cpus, double memMb, Map<String, String> environment) {
        return new NodeAgentTaskFactory(NodeArtifacts.release(),
                new FetchedArtifact(controllerUrl + artifacts.runtime().urlPath(), artifacts.runtime().sha256()),
                new FetchedArtifact(controllerUrl + artifacts.jar().urlPath(), artifacts.jar().sha256()),
                nodeArgs, cpus, memMb, environment);
    }

    /**
     * Decides when tasks are replaced: a new jar or a new runtime is a new version (the release
     * alone is not: a rebuilt snapshot keeps its version string).
     */
    public String version() {
        String both = StepHashes.sha256((jar.sha256() + "\n" + runtime.sha256()).getBytes(StandardCharsets.UTF_8));
        return release.replace('_', '-') + "-" + both.substring(0, 12);
    }

    public TaskLaunch launch(Offer offer, String agentId, long sequence) {
        // C1 only: a mostly idle daemon on every agent needs no peak-speed code, and the C2 compiler's
        // start-up work is most of its start (first 25 s: 3.2 s of CPU instead of 5.4 s, 142 MB RSS instead of 170).
        List<String> argv = new ArrayList<>(List.of(JAVA, "-Xmx" + Math.max(64, (int) (memMb * 0.5)) + "m",
                "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-jar", NodeArtifacts.JAR_NAME, "node", "--agent-id", agentId,
                "--jar-sha256", jar.sha256(), "--runtime-sha256", runtime.sha256(), "--runtime-archive", archiveName(runtime.url())));
        argv.addAll(nodeArgs);
        CommandSpec command = CommandSpec.exec(JAVA, argv)
                .withUris(List.of(FetchUri.archive(runtime.url(), true),
                        new FetchUri(jar.url(), false, false, true, Optional.of(NodeArtifacts.JAR_NAME))))
                .withEnvironment(environment);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(VERSION_LABEL, version());
        labels.put(JAR_SHA256_LABEL, jar.sha256());
        labels.put(RUNTIME_SHA256_LABEL, runtime.sha256());
        return new TaskLaunch("calico-node-agent", NodeAgentTask.taskId(agentId, version(), sequence), agentId,
                List.of(take(offer, "cpus", cpus), take(offer, "mem", memMb)), command, labels, Optional.of(Duration.ofSeconds(30)));
    }

    /** The file name the Mesos fetcher gives a download: the URL's last path segment. */
    private static String archiveName(String url) {
        String path = java.net.URI.create(url).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Resource take(Offer offer, String name, double amount) {
        return offer.resources().stream()
                .filter(r -> r.name().equals(name) && r.kind() == Resource.Kind.SCALAR && r.scalar() >= amount)
                .findFirst()
                .map(r -> r.withScalar(amount))
                .orElseThrow(() -> new IllegalArgumentException("offer " + offer.id() + " has no single " + name + " resource of " + amount));
    }
}
