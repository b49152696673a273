package dev.calicodcos.reconcilers.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CNI files as the Mesos agent last ran them: each file's bytes and mode, or that there was no
 * file, plus whether the agent answered "registered" just before its restart. What a rollback puts
 * back, byte for byte.
 *
 * <p>The bytes are copies under {@value #COPIES} named by their sha256 (plugins are tens of MB: not
 * inlined in JSON); the record {@value #RECORD}, written atomically after the copies, is the commit
 * point. Kept just before the step first writes any of the files and not replaced by later writes
 * until the agent has run the new files through the gate ({@link #forget}), so a second change while
 * awaiting a grant keeps the original point. Without a record (files written by an older node agent)
 * the point is the user's files from before calico-dcos first changed them, or their absence.
 */
final class CniRollbackPoint {
    static final String RECORD = "/var/lib/calico-dcos/cni.last-good.json";
    static final String COPIES = "/var/lib/calico-dcos/cni-last-good";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** One file: {@code sha256} empty when there was none. */
    record Entry(String path, Optional<String> sha256, String mode) {
        Entry {
            sha256 = sha256 == null ? Optional.empty() : sha256;
        }
    }

    /** @param agentRegistered what the agent's API said just before the granted restart (absent: not asked yet) */
    record Saved(List<Entry> files, Optional<Boolean> agentRegistered) {
        Saved {
            files = List.copyOf(files);
            agentRegistered = agentRegistered == null ? Optional.empty() : agentRegistered;
        }
    }

    /** A path and the mode a new file of it gets. */
    record Target(String path, String mode) {}

    private final HostFiles files;

    CniRollbackPoint(HostFiles files) {
        this.files = files;
    }

    /** Keeps the files as they are now, unless a point for these paths is already kept. */
    void keep(List<Target> targets) {
        if (savedFor(targets).isEmpty()) {
            save(targets, target -> files.read(target.path()));
        }
    }

    /** Makes sure a point exists, from the user's originals when none was kept (the files are already ours). */
    void ensure(List<Target> targets) {
        if (savedFor(targets).isEmpty()) {
            save(targets, target -> files.existedBeforeUs(target.path())
                    .map(existed -> existed ? files.backupOf(target.path()) : Optional.<byte[]>empty())
                    .orElseGet(() -> files.read(target.path())));
        }
    }

    /** Records what the agent said just before its restart (the gate holds it to that afterwards). */
    void agentRegisteredBefore(boolean registered) {
        Saved saved = saved().orElseThrow(() -> new IllegalStateException("no CNI rollback point to note the agent in"));
        if (!saved.agentRegistered().equals(Optional.of(registered))) {
            write(new Saved(saved.files(), Optional.of(registered)));
        }
    }

    /** Whether the agent answered "registered" just before its restart. */
    boolean agentWasRegistered() {
        return saved().flatMap(Saved::agentRegistered).orElse(false);
    }

    /** Puts every file back (content and mode, or absence); idempotent. Says what it did. */
    String restore(List<Target> targets) {
        Saved saved = savedFor(targets).orElseGet(() -> {
            ensure(targets);
            return saved().orElseThrow();
        });
        List<String> restored = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Entry entry : saved.files()) {
            if (entry.sha256().isEmpty()) {
                files.delete(entry.path());
                deleted.add(entry.path());
                continue;
            }
            byte[] content = copy(entry);
            files.write(entry.path(), content, entry.mode()); // writes only when the content differs
            setMode(entry.path(), entry.mode());
            restored.add(entry.path());
        }
        List<String> said = new ArrayList<>();
        if (!restored.isEmpty()) {
            said.add("restored the previous " + String.join(", ", restored));
        }
        if (!deleted.isEmpty()) {
            said.add("deleted " + String.join(", ", deleted) + " (there was none before)");
        }
        return String.join("; ", said);
    }

    /** The agent runs the current files: no point is needed until the next change. */
    void forget() {
        files.delete(RECORD);
        files.deleteTree(COPIES);
    }

    private Optional<Saved> savedFor(List<Target> targets) {
        List<String> paths = targets.stream().map(Target::path).toList();
        return saved().filter(s -> s.files().stream().map(Entry::path).toList().equals(paths));
    }

    private interface Content {
        Optional<byte[]> of(Target target);
    }

    private void save(List<Target> targets, Content content) {
        files.createDirectories(COPIES);
        List<Entry> entries = new ArrayList<>();
        for (Target target : targets) {
            Optional<byte[]> bytes = content.of(target);
            Optional<String> sha = bytes.map(StepHashes::sha256);
            if (bytes.isPresent()) {
                files.write(COPIES + "/" + sha.get(), bytes.get(), "rw-------");
            }
            entries.add(new Entry(target.path(), sha, bytes.isPresent() ? mode(target) : target.mode()));
        }
        write(new Saved(entries, Optional.empty()));
    }

    private byte[] copy(Entry entry) {
        String path = COPIES + "/" + entry.sha256().get();
        byte[] content = files.read(path).orElseThrow(() -> new StepFailure(StepReason.HOST_FILE_UNREADABLE,
                path + " (the saved " + entry.path() + ") is missing; cannot roll back"));
        if (!StepHashes.sha256(content).equals(entry.sha256().get())) {
            throw new StepFailure(StepReason.HOST_FILE_UNREADABLE, path + " (the saved " + entry.path()
                    + ") does not match its checksum; cannot roll back");
        }
        return content;
    }

    /** The file's mode now, or the target's mode for a new file when it cannot be read. */
    private String mode(Target target) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(files.resolve(target.path())));
        } catch (IOException | UnsupportedOperationException e) {
            return target.mode();
        }
    }

    /** HostFiles keeps an existing file's mode on write; a rollback must give back the old mode too. */
    private void setMode(String hostPath, String mode) {
        Path file = files.resolve(hostPath);
        try {
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals(mode)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            }
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot set the mode of " + hostPath + ": " + e.getMessage(), e);
        }
    }

    private Optional<Saved> saved() {
        return files.read(RECORD).map(bytes -> {
            try {
                return JSON.readValue(bytes, Saved.class);
            } catch (IOException e) {
                throw new StepFailure(StepReason.HOST_FILE_UNREADABLE, RECORD + " is not readable (" + e.getMessage()
                        + "); delete it to keep the current CNI files as the rollback point", e);
            }
        });
    }

    private void write(Saved saved) {
        try {
            files.createDirectories("/var/lib/calico-dcos");
            files.write(RECORD, JSON.writeValueAsBytes(saved), "rw-------");
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot write " + RECORD + ": " + e.getMessage(), e);
        }
    }
}
