package dev.calicodcos.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code deploy/systemd/}: the units for manual installs. */
class SystemdUnitsTest {
    /** Absolute programs the units start that exist only once installed: the Java runtime beside the jar. */
    private static final List<String> INSTALLED_PROGRAMS = List.of("/opt/calico-dcos/calico-dcos-runtime/bin/java");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    @TempDir
    Path temp;

    /**
     * {@code systemd-analyze verify} loads the unit as systemd would and reports unknown keys, bad
     * values and an ExecStart= program that does not exist or is not executable. The installed
     * runtime is not on a CI machine, so the check runs on a copy of the unit in which only those program
     * paths point at an executable stub under a temporary folder; every other line, hardening
     * included, is verified as shipped. (Running verify with --root=DIR instead would need the
     * whole of systemd's own units under DIR, since every service depends on sysinit.target.)
     * verify exits 0 even for unknown keys, so any line it prints about the unit fails the test.
     */
    @ParameterizedTest
    @ValueSource(strings = {"calico-dcos-node.service", "calico-dcos-controller.service"})
    @Tag("integration")
    void passesSystemdAnalyzeVerify(String unit) throws IOException, InterruptedException {
        Path analyze = onPath("systemd-analyze");
        if (analyze == null) {
            System.err.println("SKIPPED systemd-analyze verify of " + unit + ": systemd-analyze is not installed"
                    + " (apt-get install systemd; .ci/run installs it)");
            assumeTrue(false, "systemd-analyze is not installed");
        }
        String text = DeployFiles.text(DeployFiles.deploy("systemd/" + unit));
        for (String program : INSTALLED_PROGRAMS) {
            assertThat(text).contains(program);
            Path stub = temp.resolve("host" + program);
            Files.createDirectories(stub.getParent());
            Files.writeString(stub, "#!/bin/sh\nexit 0\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
            text = text.replace(program, stub.toString());
        }
        Path copy = temp.resolve(unit);
        Files.writeString(copy, text, StandardCharsets.UTF_8);

        Process verify = new ProcessBuilder(analyze.toString(), "verify", "--man=no", copy.toString())
                .directory(temp.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(line -> line.contains(unit))).as(output).isEmpty();
    }

    private static Path onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin";
        return Arrays.stream(path.split(":")).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"calico-dcos-node.service", "calico-dcos-controller.service"})
    void startsTheJarOnTheRuntimeInstalledBesideItNeverOnDcosJava(String unit) {
        String text = DeployFiles.text(DeployFiles.deploy("systemd/" + unit));
        Matcher exec = Pattern.compile("(?m)^ExecStart=(\\S+) .* -jar (\\S+) ").matcher(text);

        assertThat(exec.find()).isTrue();
        assertThat(exec.group(1)).isEqualTo("/opt/calico-dcos/calico-dcos-runtime/bin/java");
        assertThat(Path.of(exec.group(2)).getParent()).isEqualTo(Path.of(exec.group(1)).getParent().getParent().getParent());
        // Unpacking the release tarball where the install comment says gives exactly that java.
        assertThat(text).contains("tar -xzf calico-dcos-runtime-<version>-linux-x64.tar.gz -C /opt/calico-dcos")
                .doesNotContain("/opt/mesosphere/active/java");
    }

    @ParameterizedTest
    @ValueSource(strings = {"calico-dcos-node.service", "calico-dcos-controller.service"})
    void startsTheJarWithOptionsItKnows(String unit) {
        String text = DeployFiles.text(DeployFiles.deploy("systemd/" + unit));
        Map<String, String> environment = new HashMap<>();
        Matcher env = Pattern.compile("(?m)^Environment=([A-Z0-9_]+)=(\\S*)$").matcher(text);
        while (env.find()) {
            environment.put(env.group(1), env.group(2));
        }
        Matcher exec = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(text);
        assertThat(exec.find()).isTrue();
        List<String> argv = new ArrayList<>();
        for (String word : Arrays.asList(exec.group(1).trim().split("\\s+"))) {
            Matcher variable = VARIABLE.matcher(word);
            argv.add(variable.replaceAll(m -> {
                assertThat(environment).as("default of ${" + m.group(1) + "} in " + unit).containsKey(m.group(1));
                return Matcher.quoteReplacement(environment.get(m.group(1)));
            }));
        }
        if (argv.contains("node")) {
            // node.env sets CALICO_DCOS_AGENT_ID, which the program reads itself; picocli resolves
            // that from this JVM's environment, so give the same value as an option here.
            Matcher agent = Pattern.compile("(?m)^CALICO_DCOS_AGENT_ID=(\\S+)$").matcher(DeployFiles.text(DeployFiles.deploy("systemd/node.env.example")));
            assertThat(agent.find()).as("node.env.example sets CALICO_DCOS_AGENT_ID").isTrue();
            argv.addAll(List.of("--agent-id", agent.group(1)));
        }

        assertThatCode(() -> CliArgs.parseAfterJar(argv)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"node.env.example", "controller.env.example"})
    void exampleEnvironmentFilesNameOnlyVariablesSomethingReads(String file) {
        String units = DeployFiles.text(DeployFiles.deploy("systemd/calico-dcos-node.service"))
                + DeployFiles.text(DeployFiles.deploy("systemd/calico-dcos-controller.service"));
        String known = units + String.join(" ", List.of(
                "CALICO_DCOS_ETCD_ENDPOINTS", "CALICO_DCOS_ETCD_CACERT", "CALICO_DCOS_ETCD_CERT", "CALICO_DCOS_ETCD_KEY",
                "CALICO_DCOS_AGENT_ID", "CALICO_DCOS_HOST_ROOT", "CALICO_DCOS_NODE_NAME", "CALICO_DCOS_MESOS_MASTER",
                "CALICO_DCOS_DCOS_URL", "CALICO_DCOS_ADVERTISE_URL", "CALICO_DCOS_NODE_ETCD_ENDPOINTS", "CALICO_DCOS_NODE_RUNTIME",
                "DCOS_SERVICE_ACCOUNT_CREDENTIAL", "PORT0"));
        Matcher names = Pattern.compile("(?m)^#?([A-Z][A-Z0-9_]+)=").matcher(DeployFiles.text(DeployFiles.deploy("systemd/" + file)));
        int count = 0;
        while (names.find()) {
            count++;
            assertThat(known).as(names.group(1) + " in " + file).contains(names.group(1));
        }
        assertThat(count).isPositive();
    }
}
