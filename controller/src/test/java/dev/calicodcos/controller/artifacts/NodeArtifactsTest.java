package dev.calicodcos.controller.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeArtifactsTest {
    @TempDir
    Path dir;

    @Test
    void theRuntimeOfThisReleaseBesideTheJarIsFoundFirst() throws IOException {
        Path jar = touch("calico-dcos.jar");
        Path own = touch("calico-dcos-runtime-0.2.0-linux-x64.tar.gz");
        touch("calico-dcos-runtime-0.1.0-linux-x64.tar.gz");

        assertThat(NodeArtifacts.findRuntime(Optional.empty(), jar, "0.2.0")).isEqualTo(own);
    }

    @Test
    void theOnlyRuntimeBesideTheJarIsFoundWhateverItsVersion() throws IOException {
        Path jar = touch("calico-dcos.jar");
        Path only = touch("calico-dcos-runtime-0.1.0-SNAPSHOT-linux-x64.tar.gz");
        touch("calico-dcos-runtime-0.1.0-SNAPSHOT-linux-x64.tar.gz.sha256");

        assertThat(NodeArtifacts.findRuntime(Optional.empty(), jar, "dev")).isEqualTo(only);
    }

    @Test
    void anExplicitRuntimeWinsAndMustExist() throws IOException {
        Path jar = touch("calico-dcos.jar");
        touch("calico-dcos-runtime-0.1.0-linux-x64.tar.gz");
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere")).resolve("rt.tar.gz");
        Files.writeString(elsewhere, "x");

        assertThat(NodeArtifacts.findRuntime(Optional.of(elsewhere), jar, "0.1.0")).isEqualTo(elsewhere);
        assertThatThrownBy(() -> NodeArtifacts.findRuntime(Optional.of(dir.resolve("missing.tar.gz")), jar, "0.1.0"))
                .hasMessage("--node-runtime " + dir.resolve("missing.tar.gz") + ": no such file");
    }

    @Test
    void withoutARuntimeTheMessageSaysWhereItLookedAndWhatToDo() throws IOException {
        Path jar = touch("calico-dcos.jar");

        assertThatThrownBy(() -> NodeArtifacts.findRuntime(Optional.empty(), jar, "0.1.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("calico-dcos-runtime-*-linux-x64.tar.gz beside " + jar)
                .hasMessageContaining("--node-runtime")
                .hasMessageContaining("--no-node-agents");
    }

    @Test
    void twoRuntimesOfOtherVersionsAreAmbiguous() throws IOException {
        Path jar = touch("calico-dcos.jar");
        touch("calico-dcos-runtime-0.1.0-linux-x64.tar.gz");
        touch("calico-dcos-runtime-0.1.1-linux-x64.tar.gz");

        assertThatThrownBy(() -> NodeArtifacts.findRuntime(Optional.empty(), jar, "0.2.0"))
                .hasMessageContaining("several runtime tarballs").hasMessageContaining("--node-runtime");
    }

    @Test
    void artifactsAreServedUnderTheirChecksum() throws Exception {
        Path jar = Files.writeString(dir.resolve("calico-dcos.jar"), "jar bytes");
        Path runtime = Files.writeString(dir.resolve("rt.tar.gz"), "runtime bytes");

        NodeArtifacts artifacts = NodeArtifacts.of(jar, runtime);

        assertThat(artifacts.jar().sha256()).isEqualTo(sha256("jar bytes"));
        assertThat(artifacts.jar().urlPath()).isEqualTo("/artifacts/" + sha256("jar bytes") + "/calico-dcos.jar");
        assertThat(artifacts.runtime().urlPath()).isEqualTo("/artifacts/" + sha256("runtime bytes") + "/calico-dcos-runtime.tar.gz");
        assertThat(artifacts.runtime().latestPath()).isEqualTo("/artifacts/calico-dcos-runtime.tar.gz");
    }

    @Test
    void theJarCheckPassesOnlyForTheJarsOwnChecksum() throws Exception {
        Path jar = Files.writeString(dir.resolve("calico-dcos.jar"), "jar bytes");

        assertThat(JarCheck.problem(Optional.of(jar), sha256("jar bytes"))).isEmpty();
        assertThat(JarCheck.problem(Optional.of(jar), sha256("jar bytes").toUpperCase())).isEmpty();
        assertThat(JarCheck.problem(Optional.of(jar), sha256("other bytes"))).get().asString()
                .contains(jar + " has SHA-256 " + sha256("jar bytes") + ", not " + sha256("other bytes")).doesNotContain("\n");
        assertThat(JarCheck.problem(Optional.empty(), sha256("jar bytes"))).get().asString().contains("does not run from a jar");
        assertThat(JarCheck.problem(Optional.of(dir.resolve("gone.jar")), sha256("jar bytes"))).get().asString().contains("cannot read");
    }

    private Path touch(String name) throws IOException {
        return Files.writeString(dir.resolve(name), name);
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
