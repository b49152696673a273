package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.controller.artifacts.NodeArtifacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile}. No image is built here (this machine has no engine that builds images);
 * these checks hold the file to the build it documents: what it copies exists after
 * {@code ./mvnw package}, and the entrypoint runs the jar on the runtime it unpacks.
 */
class ContainerImageTest {
    private final List<String> lines = DeployFiles.text(DeployFiles.deploy("Dockerfile")).lines()
            .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    private final String version = System.getProperty("calico.dcos.version");
    private final Path context = DeployFiles.projectDir().resolve("controller/target");

    @Test
    void startsFromASlimBaseWithoutAJavaOfItsOwn() {
        assertThat(lines.get(0)).isEqualTo("FROM debian:bookworm-slim");
    }

    @Test
    void runsTheControllerAsANonRootUser() {
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();

        assertThat(user).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
    }

    @Test
    @Tag("integration") // reads the packaged jar and runtime in controller/target
    void everyFileItCopiesIsWhatTheMavenBuildProduces() {
        List<String[]> copies = lines.stream().filter(l -> l.startsWith("COPY ") || l.startsWith("ADD "))
                .map(l -> l.replace("${VERSION}", version).split("\\s+")).toList();

        assertThat(copies).isNotEmpty();
        for (String[] copy : copies) {
            for (String source : Arrays.asList(copy).subList(1, copy.length - 1)) {
                // The documented build context is controller/target.
                assertThat(context.resolve(source)).as(String.join(" ", copy)).isRegularFile();
            }
        }
        assertThat(lines).contains("ARG VERSION");
    }

    @Test
    void theEntrypointRunsTheJarOnTheUnpackedRuntimeWithItsTarballBesideTheJar() {
        String unpack = lines.stream().filter(l -> l.startsWith("ADD ")).findFirst().orElseThrow();
        String copy = lines.stream().filter(l -> l.startsWith("COPY ")).findFirst().orElseThrow();
        JsonNode entrypoint = DeployFiles.json(lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow()
                .substring("ENTRYPOINT ".length()));
        String runtimeDir = unpack.split("\\s+")[2];
        String jar = entrypoint.get(entrypoint.size() - 1).asText();

        // ADD unpacks the tarball, whose one top folder is calico-dcos-runtime/.
        assertThat(unpack.split("\\s+")[1]).isEqualTo(NodeArtifacts.runtimeFileName("${VERSION}"));
        assertThat(entrypoint.get(0).asText()).isEqualTo(runtimeDir + "calico-dcos-runtime/bin/java");
        assertThat(entrypoint.get(entrypoint.size() - 2).asText()).isEqualTo("-jar");
        // The controller's default --node-runtime: this release's tarball beside its jar.
        assertThat(copy.split("\\s+")).contains("calico-dcos.jar", NodeArtifacts.runtimeFileName("${VERSION}"));
        assertThat(Path.of(copy.split("\\s+")[copy.split("\\s+").length - 1]).resolve("calico-dcos.jar").toString()).isEqualTo(jar);
        assertThat(lines).contains("CMD [\"controller\"]").noneMatch(l -> l.startsWith("WORKDIR"));
        assertThat(String.join("\n", lines)).doesNotContain("/opt/mesosphere");
    }

    @Test
    @Tag("integration") // reads the packaged jar and runtime in controller/target
    void theMavenBuildNamesTheTarballAsTheControllerLooksForIt() {
        assertThat(Files.isRegularFile(context.resolve(NodeArtifacts.runtimeFileName(version)))).isTrue();
    }
}
