package dev.calicodcos.reconcilers.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
                .isInstanceOfSatisfying(StepFailure.class, f -> assertThat(f.reason()).isEqualTo("HostDirectoryMissing"));
        assertThatThrownBy(() -> files.resolve("/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
