package dev.calicodcos.reconcilers.host;

import dev.calicodcos.model.agent.StepReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link HostFiles} on the real file system under a host root ({@code /} in production).
 *
 * <p>Temporary files for atomic writes must be on the target's file system, and never where DC/OS
 * or Mesos would read them: not in the target's directory (Mesos reads every file in the CNI config
 * directory, and a crash would leave a second network there) and not under
 * {@code /opt/mesosphere/active} or {@code /opt/mesosphere/packages} (pkgpanda takes every entry of
 * {@code active} for a package). So they go to {@code <root>/var/lib/calico-dcos/tmp} when that is
 * on the target's file system, else to {@code .calico-dcos-tmp} in the top-most directory of the
 * target's file system on the target's path (its mount point, or the host root); when that
 * directory is one of the forbidden places the write fails with {@code NoSafeTemporaryDirectory}.
 * Backups of user files go to {@code <root>/var/lib/calico-dcos/backup/}.
 */
public final class RootedFiles implements HostFiles {
    static final String STATE_DIR = "/var/lib/calico-dcos";
    static final String FALLBACK_TEMP = ".calico-dcos-tmp";
    /** pkgpanda's own directories: every entry in them is taken for a package. */
    static final List<String> PACKAGE_DIRS = List.of("/opt/mesosphere/active", "/opt/mesosphere/packages");

    private final Path root;
    private final FileSystems fileSystems;

    public RootedFiles(Path root) {
        this(root, FileSystems.REAL);
    }

    public RootedFiles(Path root, FileSystems fileSystems) {
        this.root = root.toAbsolutePath().normalize();
        this.fileSystems = fileSystems;
    }

    public Path root() {
        return root;
    }

    @Override
    public Path resolve(String hostPath) {
        if (!hostPath.startsWith("/")) {
            throw new IllegalArgumentException("host paths are absolute: " + hostPath);
        }
        Path resolved = root.resolve(hostPath.substring(1)).normalize();
        if (!resolved.startsWith(root)) {
            throw new IllegalArgumentException("host path escapes the host root: " + hostPath);
        }
        return resolved;
    }

    @Override
    public Optional<byte[]> read(String hostPath) {
        try {
            return Optional.of(Files.readAllBytes(resolve(hostPath)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNREADABLE, "cannot read " + hostPath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isRegularFile(String hostPath) {
        return Files.isRegularFile(resolve(hostPath));
    }

    @Override
    public boolean isDirectory(String hostPath) {
        return Files.isDirectory(resolve(hostPath));
    }

    @Override
    public boolean isExecutable(String hostPath) {
        return Files.isExecutable(resolve(hostPath));
    }

    @Override
    public void makeExecutable(String hostPath) {
        Path file = resolve(hostPath);
        try {
            Set<PosixFilePermission> permissions = new HashSet<>(Files.getPosixFilePermissions(file));
            permissions.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(file, permissions);
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot make " + hostPath + " executable: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteTree(String hostDir) {
        if (!hostDir.startsWith(STATE_DIR + "/")) {
            throw new IllegalArgumentException("only calico-dcos's own directories are deleted whole: " + hostDir);
        }
        Path dir = resolve(hostDir);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot delete " + hostDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<FileTime> modifiedAt(String hostPath) {
        try {
            return Optional.of(Files.getLastModifiedTime(resolve(hostPath)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> list(String hostDir) {
        Path dir = resolve(hostDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNREADABLE, "cannot list " + hostDir + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public boolean write(String hostPath, byte[] content, String newFileMode) {
        Path target = resolve(hostPath);
        Optional<byte[]> current = read(hostPath);
        if (current.isPresent() && Arrays.equals(current.get(), content)) {
            return false;
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new StepFailure(StepReason.HOST_DIRECTORY_MISSING, "directory " + parentOf(hostPath) + " does not exist");
        }
        recordFirstChange(hostPath, current);
        try {
            Path temp = tempDirFor(hostPath, target).resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(content);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
                copyOwnershipAndMode(target, temp, newFileMode);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            syncDirectory(target.getParent());
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot replace " + hostPath + " atomically: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot write " + hostPath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String hostPath) {
        Path target = resolve(hostPath);
        try {
            boolean deleted = Files.deleteIfExists(target);
            if (deleted) {
                syncDirectory(target.getParent());
            }
            return deleted;
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot delete " + hostPath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Boolean> existedBeforeUs(String hostPath) {
        Path backupDir = resolve(STATE_DIR + "/backup");
        String name = backupName(hostPath);
        if (Files.exists(backupDir.resolve(name))) {
            return Optional.of(true);
        }
        if (Files.exists(backupDir.resolve(name + ".absent"))) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    @Override
    public void createDirectories(String hostDir) {
        try {
            Files.createDirectories(resolve(hostDir));
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot create " + hostDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> backupOf(String hostPath) {
        return read(STATE_DIR + "/backup/" + backupName(hostPath));
    }

    @Override
    public void forgetOriginal(String hostPath) {
        delete(STATE_DIR + "/backup/" + backupName(hostPath));
        delete(STATE_DIR + "/backup/" + backupName(hostPath) + ".absent");
    }

    /** Before our first change to a path: keep the user's file, or remember that there was none. */
    private void recordFirstChange(String hostPath, Optional<byte[]> current) {
        if (existedBeforeUs(hostPath).isPresent() || hostPath.startsWith(STATE_DIR + "/")) {
            return;
        }
        Path backupDir = resolve(STATE_DIR + "/backup");
        try {
            Files.createDirectories(backupDir);
            Path record = current.isPresent()
                    ? backupDir.resolve(backupName(hostPath))
                    : backupDir.resolve(backupName(hostPath) + ".absent");
            Path temp = backupDir.resolve("." + UUID.randomUUID() + ".tmp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(current.orElse(new byte[0])));
                out.force(true);
            }
            Files.move(temp, record, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(backupDir);
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot back up " + hostPath + ": " + e.getMessage(), e);
        }
    }

    private static String backupName(String hostPath) {
        return hostPath.substring(1).replace("/", "__");
    }

    private Path tempDirFor(String hostPath, Path target) throws IOException {
        Path dir = target.getParent().toRealPath();
        Object targetFs = fileSystems.of(dir);
        Path preferred = resolve(STATE_DIR + "/tmp");
        Files.createDirectories(preferred);
        if (fileSystems.of(preferred).equals(targetFs)) {
            return preferred;
        }
        Path top = topMostOnSameFileSystem(dir, targetFs);
        Optional<String> unsafe = unsafeForTemporaryFiles(top, dir);
        if (unsafe.isPresent()) {
            throw new StepFailure(StepReason.NO_SAFE_TEMPORARY_DIRECTORY, "cannot write " + hostPath + " atomically: " + STATE_DIR
                    + " is on another file system, and the top-most directory of " + parentOf(hostPath) + "'s file system ("
                    + top + ") " + unsafe.get() + "; put " + STATE_DIR + " on that file system");
        }
        Path fallback = top.resolve(FALLBACK_TEMP);
        Files.createDirectories(fallback);
        return fallback;
    }

    /** The highest directory from the host root down to {@code dir} that is on {@code dir}'s file system. */
    private Path topMostOnSameFileSystem(Path dir, Object fileSystem) throws IOException {
        Path realRoot = root.toRealPath();
        if (!dir.startsWith(realRoot)) {
            return dir; // outside the host root (a test's symbolic link): judged like the directory itself
        }
        Path candidate = realRoot;
        for (Path name : realRoot.relativize(dir)) {
            if (fileSystems.of(candidate).equals(fileSystem)) {
                return candidate;
            }
            candidate = candidate.resolve(name);
        }
        return dir;
    }

    private Optional<String> unsafeForTemporaryFiles(Path candidate, Path targetDir) throws IOException {
        if (candidate.startsWith(targetDir)) {
            return Optional.of("is the target's own directory, which may be read as a whole (e.g. by Mesos)");
        }
        for (String packageDir : PACKAGE_DIRS) {
            Path forbidden = resolve(packageDir);
            Path real = Files.exists(forbidden) ? forbidden.toRealPath() : forbidden;
            if (candidate.startsWith(real) || candidate.startsWith(forbidden)) {
                return Optional.of("is inside " + packageDir + ", where pkgpanda takes every entry for a package");
            }
        }
        return Optional.empty();
    }

    private static void copyOwnershipAndMode(Path target, Path temp, String newFileMode) throws IOException {
        PosixFileAttributeView tempView = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            PosixFileAttributes existing = Files.readAttributes(target, PosixFileAttributes.class);
            tempView.setPermissions(existing.permissions());
            if (!existing.owner().equals(Files.getOwner(temp)) || !existing.group().equals(tempView.readAttributes().group())) {
                tempView.setOwner(existing.owner());
                tempView.setGroup(existing.group());
            }
        } else {
            tempView.setPermissions(PosixFilePermissions.fromString(newFileMode));
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String parentOf(String hostPath) {
        int slash = hostPath.lastIndexOf('/');
        return slash <= 0 ? "/" : hostPath.substring(0, slash);
    }
}
