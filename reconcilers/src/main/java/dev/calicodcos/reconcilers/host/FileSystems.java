package dev.calicodcos.reconcilers.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which file system (mount) an existing directory is on: a rename is atomic only between two
 * directories of one mount. A port so that tests can lay out mounts they cannot make.
 */
@FunctionalInterface
public interface FileSystems {
    /** The real lookup: {@link java.nio.file.FileStore}s are equal exactly when they are the same mount. */
    FileSystems REAL = Files::getFileStore;

    /** A value equal for two directories exactly when they are on the same mount. */
    Object of(Path existingDirectory) throws IOException;
}
