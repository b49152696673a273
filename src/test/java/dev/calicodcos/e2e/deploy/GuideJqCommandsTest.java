package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md derives the open-DC/OS, TLS, strict-mode and image variants of
 * controller.json with jq one-liners. This runs each of them exactly as written (from a folder
 * where {@code deploy/} is this project's) and checks that what they produce is still a valid
 * Marathon app.
 */
class GuideJqCommandsTest {
    @TempDir
    Path work;

    @Test
    void everyJqCommandInTheGuideProducesAValidMarathonApp() throws IOException, InterruptedException {
        Path jq = Stream.of("/usr/bin/jq", "/usr/local/bin/jq").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (jq == null) {
            System.err.println("SKIPPED the guide's jq commands: jq is not installed");
            assumeTrue(false, "jq is not installed");
        }
        List<String> commands = DeployFiles.text(DeployFiles.projectDir().resolve("docs/operations.md")).lines()
                .filter(line -> line.startsWith("jq ") && line.contains("deploy/controller.json >"))
                .toList();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(4);
        Files.createSymbolicLink(work.resolve("deploy"), DeployFiles.deploy("").toAbsolutePath());
        MarathonAppValidator marathon = new MarathonAppValidator();

        for (String command : commands) {
            Process run = new ProcessBuilder("/bin/sh", "-c", command).directory(work.toFile()).redirectErrorStream(true).start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(command + "\n" + output).isZero();

            String produced = command.substring(command.lastIndexOf('>') + 1).trim();
            JsonNode app = DeployFiles.json(work.resolve(produced));
            assertThat(marathon.problems(app)).as(produced).isEmpty();
            if (CliArgs.args(app).contains("-jar")) {
                CliArgs.parseAfterJar(CliArgs.args(app));
            }
        }
    }
}
