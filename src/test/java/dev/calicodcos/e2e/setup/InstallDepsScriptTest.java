package dev.calicodcos.e2e.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.testkit.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install-deps.sh, the install path of the README's first command and of .ci/run, decided
 * on a machine of our making: PATH is one folder holding only what each case puts there (bash and
 * env linked to the real ones, everything else a stand-in), so etcd is hidden, {@code id} says who
 * we are, and the stand-in apt-get records what it was asked to install instead of installing it.
 */
@Tag("integration")
class InstallDepsScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("calico.dcos.projectDir", "../.."), "scripts", "install-deps.sh");
    private static final String APT_UPDATE = "DEBIAN_FRONTEND=noninteractive update -qq";
    /** What each package the script may install brings, for the stand-in apt-get. */
    private static final Map<String, String> PROGRAM_OF = Map.of("etcd-server", "etcd", "etcd-client", "etcdctl", "openssl", "openssl",
            "tar", "tar");

    @TempDir
    Path dir;

    private Path bin;
    private Path aptLog;
    private Path sudoLog;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void aMachineWithBashAndNothingElse() throws IOException {
        bin = Files.createDirectory(dir.resolve("bin"));
        aptLog = dir.resolve("apt-get.log");
        sudoLog = dir.resolve("sudo.log");
        for (String real : List.of("bash", "env")) {
            Files.createSymbolicLink(bin.resolve(real), Executables.find(real).orElseThrow());
        }
        tool("tar", "echo 'tar (GNU tar) 1.34'");
    }

    @Test
    void asRootWithEtcdHiddenItSaysItInstallsEtcdServerAndInstallsIt() throws Exception {
        user(0);
        aptGet();

        Run run = run("demo");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("install-deps: installing etcd-server for the demo (apt-get, as root)\n");
        assertThat(aptCalls()).containsExactly(APT_UPDATE,
                "DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends etcd-server");
    }

    @Test
    void notRootAndNoSudoItFailsWithOneLineNamingThePackage() throws Exception {
        user(1000);
        aptGet();

        Run run = run("demo");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("install-deps: the demo needs the package(s) etcd-server: sudo apt-get install etcd-server"
                + " (this script installs only as root or with passwordless sudo)\n");
        assertThat(aptLog).doesNotExist();
    }

    @Test
    void notRootAndSudoWantsAPasswordItFailsTheSameWay() throws Exception {
        user(1000);
        aptGet();
        sudo(false);

        Run run = run("demo");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("install-deps: the demo needs the package(s) etcd-server: sudo apt-get install etcd-server");
        assertThat(aptLog).doesNotExist();
        assertThat(sudoLog).doesNotExist();
    }

    @Test
    void withPasswordlessSudoItInstallsThroughSudo() throws Exception {
        user(1000);
        aptGet();
        sudo(true);

        Run run = run("demo");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("install-deps: installing etcd-server for the demo (apt-get, with sudo)\n");
        String asRoot = "-n env PATH=" + bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "
                + bin.resolve("apt-get");
        assertThat(Files.readAllLines(sudoLog)).containsExactly(asRoot + " update -qq",
                asRoot + " install -y -qq --no-install-recommends etcd-server");
        assertThat(aptCalls()).hasSize(2);
    }

    @Test
    void whenNothingIsMissingItInstallsNothingEvenAsRoot() throws Exception {
        user(0);
        aptGet();
        tool("etcd", "exit 0");

        Run run = run("demo");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("install-deps: nothing to install for the demo\n");
        assertThat(aptLog).doesNotExist();
    }

    @Test
    void theTestsModeAddsWhatTheTestsNeedAndOnlyWhatIsMissing() throws Exception {
        user(0);
        aptGet();
        for (String present : List.of("etcd", "dockerd", "busybox", "systemd-analyze", "chromium", "chromedriver")) {
            tool(present, "exit 0");
        }

        Run run = run("tests");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("install-deps: installing etcd-client openssl for the tests (apt-get, as root)\n");
        assertThat(aptCalls()).containsExactly(APT_UPDATE,
                "DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends etcd-client openssl");
    }

    @Test
    void aTarThatIsNotGnuTarIsReplaced() throws Exception {
        user(0);
        aptGet();
        tool("etcd", "exit 0");
        tool("tar", "echo 'bsdtar 3.6.2 - libarchive 3.6.2'");

        Run run = run("--dry-run", "demo");

        assertThat(run.out()).isEqualTo("install-deps: would install tar for the demo (apt-get, as root)\n");
    }

    @Test
    void dryRunSaysWhatItWouldInstallAndInstallsNothing() throws Exception {
        user(0);
        aptGet();

        Run run = run("--dry-run", "demo");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("install-deps: would install etcd-server for the demo (apt-get, as root)\n");
        assertThat(aptLog).doesNotExist();
    }

    @Test
    void anInstallThatLeavesEtcdMissingIsAnError() throws Exception {
        user(0);
        tool("apt-get", "exit 0"); // installs nothing

        Run run = run("demo");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("install-deps: installed, but still not on PATH");
    }

    @Test
    void withoutAptGetItSaysWhatIsNeeded() throws Exception {
        user(0);

        Run run = run("demo");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("etcd-server", "no apt-get");
    }

    @Test
    void anUnknownModeIsAUsageError() throws Exception {
        Run run = run("everything");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("usage: install-deps.sh [--dry-run] demo|tests\n");
    }

    @Test
    void itIsShellcheckClean() throws Exception {
        Path shellcheck = Executables.find("shellcheck").orElse(null);
        assumeTrue(shellcheck != null, "shellcheck is not installed");

        Process process = new ProcessBuilder(shellcheck.toString(), SCRIPT.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
    }

    /** A stand-in for {@code id}: {@code id -u} prints this uid. */
    private void user(int uid) throws IOException {
        tool("id", "echo " + uid);
    }

    /** A stand-in apt-get that logs its environment's DEBIAN_FRONTEND and arguments, and "installs" the packages' programs. */
    private void aptGet() throws IOException {
        StringBuilder body = new StringBuilder("echo \"DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*\" >> '" + aptLog + "'\n");
        PROGRAM_OF.forEach((pkg, program) -> body.append("case \" $* \" in *' ").append(pkg).append(" '*) printf '#!/bin/sh\\n' > '")
                .append(bin.resolve(program)).append("'; /bin/chmod +x '").append(bin.resolve(program)).append("' ;; esac\n"));
        tool("apt-get", body.toString());
    }

    /** A stand-in sudo: {@code sudo -n true} succeeds only when passwordless; anything else is logged and run. */
    private void sudo(boolean passwordless) throws IOException {
        tool("sudo", "if [ \"$*\" = '-n true' ]; then exit " + (passwordless ? 0 : 1) + "; fi\n"
                + "echo \"$*\" >> '" + sudoLog + "'\nshift\nexec \"$@\"");
    }

    private void tool(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> aptCalls() throws IOException {
        return Files.readAllLines(aptLog);
    }

    private Run run(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(SCRIPT.toAbsolutePath().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", bin.toString(), "LANG", "C"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }
}
