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
}
