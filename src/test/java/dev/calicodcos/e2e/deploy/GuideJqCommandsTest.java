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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md derives the TLS, Enterprise, strict-mode and upgrade variants of
 * controller.json with jq one-liners, each reading {@code deploy/controller.json} or the output of an
 * earlier one. This runs all of them in the guide's order, exactly as written, and checks that each
 * output is still a valid Marathon app whose arguments the jar accepts. The guide says the same
 * lines work on controller-fetch.json (except those that touch {@code .container}), so they run a
 * second time with that file in controller.json's place.
 */
@Tag("integration")
class GuideJqCommandsTest {
    /** {@code jq '<filter>' <input>.json > <output>.json}, the form the guide's app variants take. */
    private static final Pattern APP_VARIANT = Pattern.compile("^jq '.*' (\\S+\\.json) > (\\S+\\.json)$");

    @TempDir
    Path work;

    @Test
    void everyJqCommandInTheGuideProducesAValidMarathonAppFromTheImageApp() throws IOException, InterruptedException {
        List<String> commands = guideCommands();
        Path dir = Files.createDirectories(work.resolve("image"));
        Files.createSymbolicLink(dir.resolve("deploy"), DeployFiles.deploy("").toAbsolutePath());

        for (String command : commands) {
            JsonNode app = runAndCheck(command, dir);
            assertThat(app.path("container").path("docker").path("image").asText()).as(command).isNotEmpty();
        }
    }

    @Test
    void theSameCommandsWorkOnTheFetchApp() throws IOException, InterruptedException {
        List<String> commands = guideCommands().stream().filter(c -> !c.contains(".container")).toList();
        assertThat(commands).isNotEmpty();
        Path deploy = Files.createDirectories(work.resolve("fetch/deploy"));
        Files.createSymbolicLink(deploy.resolve("controller.json"), DeployFiles.deploy("controller-fetch.json").toAbsolutePath());

        for (String command : commands) {
            JsonNode app = runAndCheck(command, deploy.getParent());
            assertThat(app.has("container")).as(command).isFalse();
            assertThat(CliArgs.args(app)).as(command).contains("-jar");
        }
    }

    /** Every jq line of the guide that writes a JSON file; they must all be app variants. */
    private List<String> guideCommands() {
        assumeJq();
        List<String> commands = DeployFiles.text(DeployFiles.projectDir().resolve("docs/operations.md")).lines()
                .filter(line -> line.startsWith("jq ") && line.matches(".*>\\s*\\S+\\.json\\s*$"))
                .toList();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(4);
        assertThat(commands).allSatisfy(c -> assertThat(c).matches(APP_VARIANT));
        assertThat(commands).anySatisfy(c -> assertThat(c).contains("deploy/controller.json >"));
        return commands;
    }

    /** Runs one command in {@code dir} and returns what it wrote, checked as a Marathon app. */
    private static JsonNode runAndCheck(String command, Path dir) throws IOException, InterruptedException {
        Matcher m = APP_VARIANT.matcher(command);
        assertThat(m.matches()).isTrue();
        assertThat(dir.resolve(m.group(1))).as("input of " + command + " (written by an earlier line?)").exists();

        Process run = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(command + "\n" + output).isZero();

        JsonNode app = DeployFiles.json(dir.resolve(m.group(2)));
        assertThat(new MarathonAppValidator().problems(app)).as(command).isEmpty();
        CliArgs.parseCommand(CliArgs.args(app));
        return app;
    }

    private static void assumeJq() {
        boolean installed = Stream.of("/usr/bin/jq", "/usr/local/bin/jq").map(Path::of).anyMatch(Files::isExecutable);
        if (!installed) {
            System.err.println("SKIPPED the guide's jq commands: jq is not installed");
        }
        assumeTrue(installed, "jq is not installed");
    }
}
