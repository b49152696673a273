package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile}. No image is built here (no registry to pull the base image from, and
 * no BuildKit to lint it); these checks keep the file consistent with the build it documents.
 */
class ContainerImageTest {
    private final List<String> lines = DeployFiles.text(DeployFiles.deploy("Dockerfile")).lines()
            .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

    @Test
    void startsFromAJava17RuntimeImage() {
        assertThat(lines.get(0)).matches("FROM eclipse-temurin:17-jre");
    }

    @Test
    void runsTheControllerAsANonRootUser() {
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();

        assertThat(user).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
    }

    @Test
    void copiesTheJarTheMavenBuildProducesIntoTheImage() {
        String copy = lines.stream().filter(l -> l.startsWith("COPY ")).findFirst().orElseThrow();
        String source = copy.split("\\s+")[1];

        // The documented build context is controller/target.
        assertThat(Files.isRegularFile(DeployFiles.projectDir().resolve("controller/target").resolve(source))).as(source).isTrue();
        assertThat(String.join("\n", lines)).contains("ENTRYPOINT [\"java\"").contains("CMD [\"controller\"]");
    }
}
