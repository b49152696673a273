package dev.calicodcos.controller.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a node-agent task fetches from the controller: the Java runtime (a jlink image, since DC/OS
 * agents only have Java 8) and the jar it runs.
 */
public record NodeArtifacts(Artifact jar, Artifact runtime) {
    public static final String JAR_NAME = "calico-dcos.jar";
    public static final String RUNTIME_NAME = "calico-dcos-runtime.tar.gz";

    /** The build's tarball name: {@code calico-dcos-runtime-<version>-linux-x64.tar.gz}. */
    public static String runtimeFileName(String release) {
        return "calico-dcos-runtime-" + release + "-linux-x64.tar.gz";
    }

    /** This build's version, from the jar's manifest ("dev" when not run from a jar). */
    public static String release() {
        return Optional.ofNullable(NodeArtifacts.class.getPackage().getImplementationVersion()).orElse("dev");
    }

    /** Checksums both files. */
    public static NodeArtifacts of(Path jar, Path runtime) {
        return new NodeArtifacts(Artifact.of(jar, JAR_NAME), Artifact.of(runtime, RUNTIME_NAME));
    }

    public List<Artifact> all() {
        return List.of(jar, runtime);
    }

    /**
     * The runtime tarball to serve: {@code explicit} when given, else the one beside the jar (this
     * release's name first, else the only {@code calico-dcos-runtime-*-linux-x64.tar.gz}).
     *
     * @throws IllegalStateException with the one line to show, when there is none or no single one
     */
    public static Path findRuntime(Optional<Path> explicit, Path jar, String release) {
        if (explicit.isPresent()) {
            if (!Files.isRegularFile(explicit.get())) {
                throw new IllegalStateException("--node-runtime " + explicit.get() + ": no such file");
            }
            return explicit.get();
        }
        Path dir = jar.toAbsolutePath().getParent();
        Path own = dir.resolve(runtimeFileName(release));
        if (Files.isRegularFile(own)) {
            return own;
        }
        List<Path> candidates = candidates(dir);
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw new IllegalStateException(candidates.isEmpty()
                ? "node agents need the Java runtime tarball, but there is no " + runtimeFileName("*") + " beside " + jar
                        + ": set --node-runtime (env CALICO_DCOS_NODE_RUNTIME), or run with --no-node-agents"
                : "several runtime tarballs beside " + jar + " (" + candidates.stream().map(p -> p.getFileName().toString()).toList()
                        + "): choose one with --node-runtime");
    }

    private static List<Path> candidates(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("calico-dcos-runtime-.+-linux-x64\\.tar\\.gz"))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
