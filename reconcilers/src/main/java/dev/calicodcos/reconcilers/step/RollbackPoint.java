package dev.calicodcos.reconcilers.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.IOException;
import java.util.Optional;

/**
 * The content a host file had when its service last ran it successfully, or that there was no file:
 * what a rollback puts back, byte for byte. Kept in one record file of ours, written atomically
 * before the step first changes the file and dropped once the service has run the new content
 * through its health gate; so a second change before that (a new desired state while the first
 * awaits its grant) keeps the original point.
 *
 * <p>Without a record (a change made by a node agent before this existed) the point is the user's
 * file from before calico-dcos first changed it ({@link HostFiles#backupOf}), or its absence.
 */
public final class RollbackPoint {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** The record: {@code content} empty when there was no file. */
    record Saved(String path, Optional<byte[]> content) {
        Saved {
            content = content == null ? Optional.empty() : content;
        }
    }

    private final HostFiles files;
    private final String recordPath;

    public RollbackPoint(HostFiles files, String recordPath) {
        this.files = files;
        this.recordPath = recordPath;
    }

    /** Keeps the current content of {@code path} as the point, unless a point is already kept for it. */
    public void keep(String path) {
        if (saved().filter(s -> s.path().equals(path)).isPresent()) {
            return;
        }
        save(new Saved(path, files.read(path)));
    }

    /** The service runs what {@code path} holds now: no point is needed until the next change. */
    public void forget() {
        files.delete(recordPath);
    }

    /** Puts {@code path} back to the point (idempotent) and says what it did. */
    public String restore(String path) {
        Optional<byte[]> content = saved().filter(s -> s.path().equals(path)).map(Saved::content).orElseGet(() -> original(path));
        if (content.isEmpty()) {
            files.delete(path);
            return "deleted " + path + " (there was none before)";
        }
        files.write(path, content.get(), "rw-r--r--"); // writes only when the content differs
        return "restored the previous " + path;
    }

    private Optional<byte[]> original(String path) {
        return files.existedBeforeUs(path).map(existed -> existed ? files.backupOf(path) : Optional.<byte[]>empty())
                .orElseGet(() -> files.read(path));
    }

    private Optional<Saved> saved() {
        return files.read(recordPath).map(bytes -> {
            try {
                return JSON.readValue(bytes, Saved.class);
            } catch (IOException e) {
                throw new StepFailure(StepReason.HOST_FILE_UNREADABLE, recordPath + " is not readable (" + e.getMessage()
                        + "); delete it to keep the current file as the rollback point", e);
            }
        });
    }

    private void save(Saved point) {
        try {
            files.createDirectories(recordPath.substring(0, recordPath.lastIndexOf('/')));
            files.write(recordPath, JSON.writeValueAsBytes(point), "rw-------");
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot write " + recordPath + ": " + e.getMessage(), e);
        }
    }
}
