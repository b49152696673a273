package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code node --jar-sha256}: checked before anything else happens. */
class NodeCommandJarCheckTest {
    private final Cli cli = new Cli(options -> {
        throw new AssertionError("a refused node agent must not connect to etcd");
    });

    @Test
    void withAChecksumButNoJarToCheckTheNodeAgentRefusesToStartWithItsOwnExitCode() {
        // Tests run from target/classes, not from a jar.
        Cli.Run run = cli.run("node", "--agent-id", "a1", "--jar-sha256", "a".repeat(64), "--etcd-endpoints", "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCode.WRONG_JAR).isNotIn(ExitCode.OK, ExitCode.FAILED, ExitCode.DIFF_ERROR);
        assertThat(run.err()).startsWith("error: --jar-sha256 " + "a".repeat(64)).contains("does not run from a jar");
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aRuntimeArchiveWithAnotherChecksumIsRefusedBeforeAnythingElse(@org.junit.jupiter.api.io.TempDir java.nio.file.Path sandbox)
            throws java.io.IOException {
        java.nio.file.Path archive = java.nio.file.Files.writeString(sandbox.resolve("calico-dcos-runtime.tar.gz"), "damaged");

        Cli.Run run = cli.run("node", "--agent-id", "a1", "--runtime-sha256", "b".repeat(64), "--runtime-archive", archive.toString(),
                "--etcd-endpoints", "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCode.WRONG_JAR);
        assertThat(run.err()).isEqualTo("error: " + archive + " has SHA-256 "
                + dev.calicodcos.model.hash.StepHashes.sha256("damaged") + ", not " + "b".repeat(64)
                + " (--runtime-sha256): a stale or damaged download; not starting\n");
    }
}
