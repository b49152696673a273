package dev.calicodcos.sim.docker;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference as Docker reads it ({@code [registry/]path[:tag][@sha256:digest]}), kept in Docker's
 * familiar form: {@code docker.io/library/busybox} is {@code busybox}, {@code docker.io/calico/node} is
 * {@code calico/node}. Without tag and digest the tag is {@code latest}, as the CLI sends it.
 *
 * @param repository the familiar repository, e.g. {@code calico/node} or {@code quay.io/calico/node}
 * @param tag        the tag, or null when only a digest was given
 * @param digest     {@code sha256:<64 hex>}, or null
 */
public record ImageRef(String repository, String tag, String digest) {
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile("(?:localhost|[A-Za-z0-9.-]+\\.[A-Za-z0-9.-]+|[A-Za-z0-9.-]+:\\d+"
            + "|[A-Za-z0-9.-]+\\.[A-Za-z0-9.-]+:\\d+)");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Parses a reference; empty where Docker answers {@code invalid reference format}. */
    public static Optional<ImageRef> parse(String reference) {
        String rest = reference;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                return Optional.empty();
            }
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                return Optional.empty();
            }
        }
        String[] parts = rest.split("/", -1);
        int first = parts.length > 1 && DOMAIN.matcher(parts[0]).matches() ? 1 : 0;
        for (int i = first; i < parts.length; i++) {
            if (!COMPONENT.matcher(parts[i]).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(new ImageRef(familiar(rest), tag == null && digest == null ? "latest" : tag, digest));
    }

    /** Whether the text can only be an image ID or a prefix of one (Docker accepts both where it takes an image). */
    static boolean looksLikeId(String text) {
        return text.matches("(sha256:)?[0-9a-f]{4,64}");
    }

    private static String familiar(String repository) {
        String r = repository.startsWith("index.docker.io/") ? "docker.io/" + repository.substring("index.docker.io/".length())
                : repository;
        if (r.startsWith("docker.io/")) {
            r = r.substring("docker.io/".length());
            if (r.startsWith("library/") && r.indexOf('/', "library/".length()) < 0) {
                r = r.substring("library/".length());
            }
        }
        return r;
    }

    /** {@code repository:tag}, the form of {@code RepoTags}; null when pinned by digest only. */
    public String tagged() {
        return tag == null ? null : repository + ":" + tag;
    }

    @Override
    public String toString() {
        return repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
