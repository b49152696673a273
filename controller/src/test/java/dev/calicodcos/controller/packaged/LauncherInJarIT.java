package dev.calicodcos.controller.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.artifacts.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** calico-dcos.jar: a Main-Class any java can load, and every command still works on Java 17. */
@Tag("packaged")
@Tag("integration")
class LauncherInJarIT {
    private final Path jar = Packaged.jar();
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void theMainClassIsTheLauncherCompiledForJava8() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.calicodcos.launcher.Main");
            assertThat(majorVersion(file, "dev/calicodcos/launcher/Main.class")).isEqualTo(52);
            assertThat(majorVersion(file, "dev/calicodcos/launcher/JavaVersionCheck.class")).isEqualTo(52);
            assertThat(majorVersion(file, "dev/calicodcos/controller/cli/CalicoDcos.class")).isEqualTo(61);
        }
    }

    @Test
    void versionAndValidateRunThroughTheLauncherOnJava17() throws Exception {
        Packaged.Run version = Packaged.run(jar.getParent(), List.of(java, "-jar", jar.toString(), "--version"));
        Packaged.Run validate = Packaged.run(jar.getParent(), List.of(java, "-jar", jar.toString(), "validate", "-f",
                Packaged.example("minimal.yaml").toString()));
        Packaged.Run invalid = Packaged.run(jar.getParent(), List.of(java, "-jar", jar.toString(), "validate", "-f",
                jar.getParent().resolve("no-such.yaml").toString()));

        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("calico-dcos " + System.getProperty("calico.dcos.version"));
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(invalid.exitCode()).isEqualTo(1);
    }

    @Test
    void theNodeCommandRefusesAJarWhoseChecksumIsNotTheOneItWasLaunchedWith() throws Exception {
        String other = "0".repeat(64);

        Packaged.Run run = Packaged.run(jar.getParent(), List.of(java, "-jar", jar.toString(), "node", "--agent-id", "a1",
                "--jar-sha256", other, "--etcd-endpoints", "http://127.0.0.1:1"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().lines().toList()).containsExactly("error: " + jar.toAbsolutePath() + " has SHA-256 " + Artifact.sha256(jar)
                + ", not " + other + " (--jar-sha256): a stale or damaged download; not starting");
    }

    /** Bytes 6-7 of a class file. */
    private static int majorVersion(JarFile file, String entry) throws IOException {
        try (InputStream in = file.getInputStream(file.getEntry(entry))) {
            byte[] header = in.readNBytes(8);
            return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        }
    }
}
