package dev.calicodcos.controller.cli;

import dev.calicodcos.model.codec.LocatedTreeReader;
import dev.calicodcos.model.validation.Problem;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import dev.calicodcos.model.validation.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads spec files for the CLI: bounded reads, then {@link SpecReader}; problems printed the one way. */
final class SpecFiles {
    private final SpecReader reader;

    SpecFiles(SpecReader reader) {
        this.reader = reader;
    }

    /** A file's bytes and what reading them gave. */
    record Loaded(Path file, byte[] content, ReadResult result) {
        boolean valid() {
            return result instanceof ReadResult.Valid;
        }

        ReadResult.Valid validResult() {
            return (ReadResult.Valid) result;
        }
    }

    Loaded load(Path file) {
        byte[] content;
        try {
            content = readBounded(file);
        } catch (NoSuchFileException e) {
            return failed(file, "no such file");
        } catch (IOException e) {
            return failed(file, "cannot read: " + e.getMessage());
        }
        return new Loaded(file, content, reader.read(content));
    }

    /** Prints every problem (errors and warnings) to {@code err}; true when there is no error. */
    static boolean report(Loaded loaded, PrintWriter err) {
        for (Problem p : loaded.result().problems()) {
            err.println(p.format(loaded.file().toString()));
        }
        err.flush();
        return loaded.valid();
    }

    /** Reads at most one byte more than the limit, so a huge file is refused without loading it. */
    private static byte[] readBounded(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(LocatedTreeReader.MAX_BYTES + 1);
        }
    }

    private static Loaded failed(Path file, String message) {
        Problem problem = new Problem(Optional.empty(), message, Violation.Severity.ERROR);
        return new Loaded(file, new byte[0], new ReadResult.Invalid(List.of(problem)));
    }
}
