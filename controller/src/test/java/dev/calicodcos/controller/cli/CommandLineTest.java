package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the command line answers before any command runs: mistakes, the moved demo, shell completion. */
class CommandLineTest {
    private static final List<String> COMMANDS =
            List.of("validate", "apply", "get", "diff", "status", "pause", "resume", "uninstall", "controller", "node", "completion");

    private final Cli cli = new Cli(options -> {
        throw new AssertionError("nothing here may connect to etcd");
    });

    @ParameterizedTest
    @ValueSource(strings = {"upgrade", "upgrade --help", "upgrade -h", "--help upgrade", "upgrade status --help"})
    void anUnknownCommandIsOneLineAndExitTwoEvenWithHelp(String line) {
        Cli.Run run = cli.run(line.split(" "));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).containsExactly("error: unknown command 'upgrade' (commands: "
                + String.join(", ", COMMANDS) + "; see 'calico-dcos --help')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"status --bogus", "status --bogus --help", "status --help --bogus"})
    void anUnknownOptionOfAKnownCommandIsOneLineAndExitTwoEvenWithHelp(String line) {
        Cli.Run run = cli.run(line.split(" "));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList())
                .containsExactly("error: unknown option '--bogus' for calico-dcos status (see 'calico-dcos status --help')");
    }

    @Test
    void aMissingRequiredOptionIsOneLineNamingIt() {
        Cli.Run run = cli.run("node");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().lines().toList()).singleElement().asString()
                .startsWith("error: Missing required option: '--agent-id").endsWith("(see 'calico-dcos node --help')");
    }

    @Test
    void theDemoIsNoCommandOfTheProductJarButSaysWhereItWent() {
        Cli.Run run = cli.run("demo", "--agents", "3", "--exit-when-ready");
        Cli.Run help = cli.run("--help");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("java -jar demo/target/calico-dcos-demo.jar");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("status", "completion").doesNotContain("demo");
    }

    @Test
    @Tag("integration")
    void completionPrintsABashScriptThatCompletesTheCommandsAndTheirOptions(@TempDir Path dir) throws Exception {
        Cli.Run run = cli.run("completion");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path script = Files.writeString(dir.resolve("calico-dcos.bash"), run.out());

        assertThat(run.out()).contains("complete -F _complete_calico-dcos");
        assertThat(complete(script, "calico-dcos", "")).containsExactlyInAnyOrderElementsOf(COMMANDS);
        assertThat(complete(script, "calico-dcos", "st")).containsExactly("status");
        assertThat(complete(script, "calico-dcos", "status", "--o")).containsExactly("--output");
        assertThat(complete(script, "calico-dcos", "status", "-o", "")).containsExactlyInAnyOrder("table", "json");
    }

    /** What bash offers for the last word, as when the user presses Tab there. */
    private static List<String> complete(Path script, String... words) throws IOException, InterruptedException {
        // The words go in as arguments, never into the shell text.
        String driver = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                + " _complete_calico-dcos 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        List<String> argv = new java.util.ArrayList<>(List.of("bash", "-c", driver, "complete", script.toString()));
        argv.addAll(List.of(words));
        Process bash = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }
}
