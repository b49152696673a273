package dev.calicodcos.reconcilers.host;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * Files on the agent, addressed by their absolute host path ({@code /etc/docker/daemon.json}) and
 * resolved under the host root. Writes are atomic and happen only when the content differs.
 */
public interface HostFiles {
    /** Where {@code hostPath} really is (for bind mounts and for running host programs). */
    Path resolve(String hostPath);

    Optional<byte[]> read(String hostPath);

    boolean isRegularFile(String hostPath);

    boolean isDirectory(String hostPath);

    Optional<FileTime> modifiedAt(String hostPath);

    /** Names of the entries of a directory, sorted; empty when it does not exist. */
    List<String> list(String hostDir);

    /**
     * Makes {@code hostPath} hold {@code content}: nothing happens when it already does. Otherwise
     * the file is written to a temporary file outside any scanned directory, synced, renamed over
     * the target and the directory synced; owner and mode of an existing file are kept, a new file
     * gets {@code newFileMode} (e.g. {@code rw-r--r--}). A file we did not create is backed up
     * before our first change to it. The parent directory must exist.
     *
     * @return true when the file was written
     */
    boolean write(String hostPath, byte[] content, String newFileMode);

    boolean isExecutable(String hostPath);

    /** Adds the execute bits (owner, group, others) to an existing file. */
    void makeExecutable(String hostPath);

    /** Makes a directory of calico-dcos's own (e.g. a proxy data dir) absent, with everything in it. */
    void deleteTree(String hostDir);

    /** Makes {@code hostPath} absent; returns true when it existed. */
    boolean delete(String hostPath);

    /**
     * Whether the file existed before calico-dcos first changed it: present when we have a record
     * of that first change (true = a user file was there and was backed up).
     */
    Optional<Boolean> existedBeforeUs(String hostPath);

    /** Creates a directory (and its parents) for calico-dcos's own state. */
    void createDirectories(String hostDir);

    /** The user's content backed up before our first change, when there was a file then. */
    Optional<byte[]> backupOf(String hostPath);

    /** Drops the record of our first change (after an uninstall restored the file). */
    void forgetOriginal(String hostPath);
}
