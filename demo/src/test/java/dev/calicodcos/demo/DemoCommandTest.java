package dev.calicodcos.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo jar's command line, up to the point where it would start etcd and the simulator. */
class DemoCommandTest {

    record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = DemoCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheOptionsAndTheExitCodes() {
        Run run = run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: calico-dcos-demo", "--agents=N", "--exit-when-ready", "--timeout=DURATION", "--jar=FILE",
                "--node-runtime=FILE", "Exit codes:");
    }

    @Test
    void withoutTheProductJarItSaysHowToBuildItInOneLine() {
        Run run = run("--jar", "/nonexistent/calico-dcos.jar", "--exit-when-ready");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("error: the simulated agents run the product jar, and there is none at"
                + " /nonexistent/calico-dcos.jar: build it (./mvnw -B -q -DskipTests package) or pass --jar FILE");
    }

    @Test
    void lessThanOneAgentIsRefused() {
        assertThat(run("--agents", "0").err()).isEqualTo("error: --agents must be at least 1\n");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--agnets", "3").exitCode()).isEqualTo(2);
    }

    @Test
    void theProductJarIsLookedForBesideTheDemoJarThenInItsCheckoutThenUnderTheWorkingDirectory() {
        Path checkout = Path.of("/src/calico-dcos");

        assertThat(ProductJar.candidates(Optional.of(checkout.resolve("demo/target/calico-dcos-demo.jar")), Path.of("/home/me")))
                .containsExactly(Path.of("/src/calico-dcos/demo/target/calico-dcos.jar"),
                        Path.of("/src/calico-dcos/controller/target/calico-dcos.jar"),
                        Path.of("/home/me/controller/target/calico-dcos.jar"));
        assertThat(ProductJar.candidates(Optional.empty(), checkout))
                .containsExactly(Path.of("/src/calico-dcos/controller/target/calico-dcos.jar"));
    }
}
