package dev.calicodcos.reconcilers.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.model.agent.StepReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic, change-only writes under a host root, with a backup of the user's file. */
class RootedFilesTest {
    @TempDir
    Path root;

    private RootedFiles files() throws IOException {
        Files.createDirectories(root.resolve("etc/docker"));
        Files.createDirectories(root.resolve("opt/cni"));
        return new RootedFiles(root);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWriteReplacesTheFileKeepingItsModeAndLeavesNoTemporaryFileBeside() throws IOException {
        RootedFiles files = files();
        Path daemonJson = root.resolve("etc/docker/daemon.json");
        Files.writeString(daemonJson, "{}");
        Files.setPosixFilePermissions(daemonJson, PosixFilePermissions.fromString("rw-------"));

        boolean written = files.write("/etc/docker/daemon.json", text("{\"a\": 1}"), "rw-r--r--");

        assertThat(written).isTrue();
        assertThat(Files.readString(daemonJson)).isEqualTo("{\"a\": 1}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemonJson))).isEqualTo("rw-------");
        assertThat(files.list("/etc/docker")).containsExactly("daemon.json");
    }

    @Test
    void theSameContentIsNotWrittenAgain() throws IOException {
        RootedFiles files = files();
        files.write("/opt/cni/calico", text("bin"), "rwxr-xr-x");
        Object inode = Files.getAttribute(root.resolve("opt/cni/calico"), "unix:ino");

        assertThat(files.write("/opt/cni/calico", text("bin"), "rwxr-xr-x")).isFalse();
        assertThat(Files.getAttribute(root.resolve("opt/cni/calico"), "unix:ino")).isEqualTo(inode);
        assertThat(Files.isExecutable(root.resolve("opt/cni/calico"))).isTrue();
    }

    @Test
    void theUsersFileIsBackedUpOnceBeforeOurFirstChange() throws IOException {
        RootedFiles files = files();
        Files.writeString(root.resolve("etc/docker/daemon.json"), "{\"user\": true}");

        files.write("/etc/docker/daemon.json", text("{\"ours\": 1}"), "rw-r--r--");
        files.write("/etc/docker/daemon.json", text("{\"ours\": 2}"), "rw-r--r--");

        assertThat(files.existedBeforeUs("/etc/docker/daemon.json")).contains(true);
        assertThat(files.backupOf("/etc/docker/daemon.json")).map(String::new).contains("{\"user\": true}");
        assertThat(files.existedBeforeUs("/opt/cni/calico")).isEmpty();
        files.write("/opt/cni/calico", text("bin"), "rwxr-xr-x");
        assertThat(files.existedBeforeUs("/opt/cni/calico")).contains(false);
    }

    @Test
    void aMissingDirectoryIsAStepFailureAndPathsCannotEscapeTheRoot() throws IOException {
        RootedFiles files = files();

        assertThatThrownBy(() -> files.write("/opt/mesosphere/etc/x.cni", text("{}"), "rw-r--r--"))
                .isInstanceOfSatisfying(StepFailure.class, f -> assertThat(f.reason()).isEqualTo(StepReason.HOST_DIRECTORY_MISSING));
        assertThatThrownBy(() -> files.resolve("/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Mounts as a test lays them out: the longest listed directory a path is under names its file system. */
    private FileSystems mounts(Map<String, String> mountPoints) throws IOException {
        Path realRoot = root.toRealPath();
        return dir -> mountPoints.entrySet().stream()
                .filter(m -> dir.startsWith(realRoot.resolve(m.getKey())))
                .max(Comparator.comparingInt(m -> m.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse("root");
    }

    /** A DC/OS package layout: {@code active/cni} links to {@code packages/cni--1}. */
    private void dcosPackages() throws IOException {
        Files.createDirectories(root.resolve("opt/mesosphere/packages/cni--1"));
        Files.createDirectories(root.resolve("opt/mesosphere/active"));
        Files.createSymbolicLink(root.resolve("opt/mesosphere/active/cni"), Path.of("../packages/cni--1"));
        Files.createDirectories(root.resolve("var/lib/calico-dcos"));
    }

    @Test
    void withTheStateDirOnAnotherFileSystemTheTemporaryFileGoesToTheTopOfTheTargetsFileSystem() throws IOException {
        files();
        RootedFiles files = new RootedFiles(root, mounts(Map.of("var/lib/calico-dcos", "state")));

        files.write("/etc/docker/daemon.json", text("{}"), "rw-r--r--");

        assertThat(Files.readString(root.resolve("etc/docker/daemon.json"))).isEqualTo("{}");
        assertThat(Files.isDirectory(root.resolve(".calico-dcos-tmp"))).isTrue();
        assertThat(files.list("/etc/docker")).containsExactly("daemon.json");
    }

    @Test
    void noTemporaryFileIsEverCreatedInsideDcosPackageDirectories() throws IOException {
        dcosPackages();
        RootedFiles files = new RootedFiles(root, mounts(Map.of("var/lib/calico-dcos", "state", "opt/mesosphere", "opt")));

        files.write("/opt/mesosphere/active/cni/calico", text("plugin"), "rwxr-xr-x");

        assertThat(Files.readString(root.resolve("opt/mesosphere/packages/cni--1/calico"))).isEqualTo("plugin");
        assertThat(files.list("/opt/mesosphere/active")).containsExactly("cni");
        assertThat(files.list("/opt/mesosphere/packages")).containsExactly("cni--1");
        assertThat(files.list("/opt/mesosphere/packages/cni--1")).containsExactly("calico");
        assertThat(Files.isDirectory(root.resolve("opt/mesosphere/.calico-dcos-tmp"))).isTrue();
    }

    @Test
    void aPackageDirectoryOnItsOwnFileSystemIsAClearFailureNotATemporaryFileInIt() throws IOException {
        dcosPackages();
        RootedFiles files = new RootedFiles(root, mounts(Map.of("var/lib/calico-dcos", "state",
                "opt/mesosphere/packages/cni--1", "package")));

        assertThatThrownBy(() -> files.write("/opt/mesosphere/active/cni/calico", text("plugin"), "rwxr-xr-x"))
                .isInstanceOfSatisfying(StepFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(StepReason.NO_SAFE_TEMPORARY_DIRECTORY);
                    assertThat(f.getMessage()).contains("/opt/mesosphere/active/cni/calico", "/var/lib/calico-dcos");
                });
        assertThat(files.list("/opt/mesosphere/active")).containsExactly("cni");
        assertThat(files.list("/opt/mesosphere/packages/cni--1")).isEmpty();
    }

    @Test
    void aScannedDirectoryOnItsOwnFileSystemGetsNoTemporaryFilesEither() throws IOException {
        Files.createDirectories(root.resolve("opt/mesosphere/etc/dcos/network/cni"));
        Files.createDirectories(root.resolve("var/lib/calico-dcos"));
        RootedFiles files = new RootedFiles(root, mounts(Map.of("var/lib/calico-dcos", "state",
                "opt/mesosphere/etc/dcos/network/cni", "cni-config")));

        assertThatThrownBy(() -> files.write("/opt/mesosphere/etc/dcos/network/cni/calico.cni", text("{}"), "rw-r--r--"))
                .isInstanceOfSatisfying(StepFailure.class, f -> assertThat(f.getMessage()).contains("own directory"));
        assertThat(files.list("/opt/mesosphere/etc/dcos/network/cni")).isEmpty();
    }

    @Test
    @Tag("integration")
    void onARealSecondFileSystemTheWriteStaysAtomicAndOutOfThePackages() throws Exception {
        dcosPackages();
        Path state = root.resolve("var/lib/calico-dcos");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", state.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0, "cannot mount a tmpfs here");
        try {
            RootedFiles files = new RootedFiles(root);

            files.write("/opt/mesosphere/active/cni/calico", text("plugin"), "rwxr-xr-x");

            assertThat(Files.readString(root.resolve("opt/mesosphere/packages/cni--1/calico"))).isEqualTo("plugin");
            assertThat(files.list("/opt/mesosphere/active")).containsExactly("cni");
            assertThat(files.list("/opt/mesosphere/packages/cni--1")).containsExactly("calico");
        } finally {
            new ProcessBuilder("umount", state.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
