package dev.calicodcos.sim.docker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One image: its reference ({@code repository:tag}), its content digest ({@code RepoDigests}) and image
 * ID ({@code Id}), both fixed SHA-256 values derived from the reference, so they are the same in every
 * run and differ between images; and what its containers do.
 *
 * @param reference {@code repository:tag} in familiar form
 * @param digest    {@code sha256:} + SHA-256 of {@code "manifest " + reference}
 * @param id        {@code sha256:} + SHA-256 of {@code "config " + reference}
 */
public record KnownImage(String reference, String digest, String id, ImageBehaviour behaviour) {

    public static KnownImage of(String reference, ImageBehaviour behaviour) {
        return new KnownImage(reference, sha256("manifest " + reference), sha256("config " + reference), behaviour);
    }

    /** The repository part of the reference, e.g. {@code calico/node}. */
    public String repository() {
        return reference.substring(0, reference.lastIndexOf(':'));
    }

    /** {@code repository@digest}, as {@code RepoDigests} lists it and as a digest-pinned pull names it. */
    public String pinned() {
        return repository() + "@" + digest;
    }

    private static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
