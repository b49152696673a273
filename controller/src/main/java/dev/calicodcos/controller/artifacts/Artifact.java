package dev.calicodcos.controller.artifacts;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A file the controller serves to node-agent tasks, under a URL that names its content: the Mesos
 * fetcher caches by URI, so a file with new bytes must get a new URI.
 *
 * @param name   the file name in the URL (and in the sandbox)
 * @param sha256 lower-case hex of the file's SHA-256
 */
public record Artifact(Path file, String name, String sha256) {
    public static final String PREFIX = "/artifacts/";

    public Artifact {
        Objects.requireNonNull(file, "file");
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("not a file name: " + name);
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
    }

    /** Reads the file once to compute its checksum. */
    public static Artifact of(Path file, String name) {
        return new Artifact(file, name, sha256(file));
    }

    /** {@code /artifacts/<sha256>/<name>}: what node-agent tasks fetch. */
    public String urlPath() {
        return PREFIX + sha256 + "/" + name;
    }

    /** {@code /artifacts/<name>}: the newest one, for manual installs. */
    public String latestPath() {
        return PREFIX + name;
    }

    public static String sha256(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
