package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes tiny local images without a registry: a rootfs of a static busybox and a few applet links,
 * tarred and loaded with {@code docker import}. The default command sleeps, so a container made from
 * it stays running like calico/node would.
 */
public final class BusyboxImage {
    private static final List<String> APPLETS = List.of("sh", "sleep", "cat", "ls", "echo", "env", "true");

    private BusyboxImage() {}

    /** Where a static busybox is, when there is one. */
    public static Optional<Path> busybox() {
        return Executables.find("busybox");
    }

    /** Imports {@code reference} (e.g. {@code calico/node:test}) into the engine at {@code dockerHost}. */
    public static void importInto(String dockerHost, String reference) {
        Path busybox = busybox().orElseThrow(() -> new IllegalStateException(
                "busybox is not installed (apt-get install busybox-static)"));
        Path docker = Executables.find("docker").orElseThrow(() -> new IllegalStateException(
                "the docker CLI is not installed (apt-get install docker.io)"));
        Path work = null;
        try {
            work = Files.createTempDirectory("busybox-rootfs");
            Path rootfs = work.resolve("rootfs");
            Files.createDirectories(rootfs.resolve("bin"));
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.createDirectories(rootfs.resolve("etc"));
            Files.copy(busybox, rootfs.resolve("bin/busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            Path tar = work.resolve("rootfs.tar");
            run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), Map.of());
            run(List.of(docker.toString(), "import", "--change", "CMD [\"/bin/sleep\", \"86400\"]",
                    tar.toString(), reference), Map.of("DOCKER_HOST", dockerHost));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempDirs.deleteRecursively(work);
        }
    }

    private static void run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
