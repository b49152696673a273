package dev.calicodcos.sim.docker;

import static dev.calicodcos.sim.docker.ImageBehaviour.CRASH_LOOP;
import static dev.calicodcos.sim.docker.ImageBehaviour.LIBNETWORK_PLUGIN;
import static dev.calicodcos.sim.docker.ImageBehaviour.NODE_NEVER_READY;
import static dev.calicodcos.sim.docker.ImageBehaviour.NODE_READY;
import static dev.calicodcos.sim.docker.ImageBehaviour.PLAIN;

import java.util.List;
import java.util.Optional;

/**
 * The registries every simulated agent pulls from: a fixed set of images. A pull of anything else is
 * refused the way Docker refuses it: an unknown repository with {@code pull access denied}, an unknown
 * tag or digest of a known repository with {@code manifest unknown}.
 */
public final class Registry {
    /** The spec's defaults, every image the examples and tests run on the fake, and the simulator's test images. */
    public static final List<KnownImage> STANDARD_IMAGES = List.of(
            KnownImage.of("calico/node:v2.6.12", NODE_READY),
            KnownImage.of("calico/node:v2.6.11", NODE_READY),
            KnownImage.of("calico/node:v3.16.1", NODE_READY),
            KnownImage.of("calico/node:v2.6.12-sim-never-ready", NODE_NEVER_READY),
            KnownImage.of("calico/node:v2.6.12-sim-crash-loop", CRASH_LOOP),
            KnownImage.of("quay.io/calico/node:v2.6.12", NODE_READY),
            KnownImage.of("registry.example.org/calico/node:v2.6.12", NODE_READY),
            KnownImage.of("calico/libnetwork-plugin:v1.1.3", LIBNETWORK_PLUGIN),
            KnownImage.of("calico/libnetwork-plugin:v1.1.2", LIBNETWORK_PLUGIN),
            KnownImage.of("quay.io/calico/libnetwork-plugin:v1.1.3", LIBNETWORK_PLUGIN),
            KnownImage.of("registry.example.org/calico/libnetwork-plugin:v1.1.3", LIBNETWORK_PLUGIN),
            KnownImage.of("registry.example:5000/calico/libnetwork-plugin:v1.1.3", LIBNETWORK_PLUGIN),
            KnownImage.of("busybox:latest", PLAIN));

    /** What the registry answers for a reference. */
    public sealed interface Answer {
        /** The message Docker's pull answers with (404) when the image is not there. */
        default String refusal() {
            return "";
        }
    }

    public record Found(KnownImage image) implements Answer {}

    public record UnknownRepository(String repository) implements Answer {
        @Override
        public String refusal() {
            return "pull access denied for " + repository + ", repository does not exist or may require 'docker login': denied:"
                    + " requested access to the resource is denied";
        }
    }

    public record UnknownManifest(ImageRef reference) implements Answer {
        @Override
        public String refusal() {
            String name = reference.digest() != null ? reference.repository() + "@" + reference.digest() : reference.tagged();
            return "manifest for " + name + " not found: manifest unknown: manifest unknown";
        }
    }

    private final List<KnownImage> images;

    public Registry(List<KnownImage> images) {
        this.images = List.copyOf(images);
    }

    public static Registry standard() {
        return new Registry(STANDARD_IMAGES);
    }

    public List<KnownImage> images() {
        return images;
    }

    /** The image a {@code repository:tag} reference names (familiar or not), if the registry has it. */
    public Optional<KnownImage> image(String reference) {
        return ImageRef.parse(reference).map(this::resolve).flatMap(a -> a instanceof Found f ? Optional.of(f.image())
                : Optional.empty());
    }

    /** A digest wins over a tag, as in Docker; a reference without either means {@code latest}. */
    public Answer resolve(ImageRef ref) {
        List<KnownImage> repository = images.stream().filter(i -> i.repository().equals(ref.repository())).toList();
        if (repository.isEmpty()) {
            return new UnknownRepository(ref.repository());
        }
        Optional<KnownImage> image = repository.stream()
                .filter(i -> ref.digest() != null ? i.digest().equals(ref.digest()) : i.reference().equals(ref.tagged()))
                .findFirst();
        return image.<Answer>map(Found::new).orElseGet(() -> new UnknownManifest(ref));
    }

    /** Every tag of a repository ({@code docker pull --all-tags}, a pull without tag over the API). */
    List<KnownImage> allTags(String repository) {
        return images.stream().filter(i -> i.repository().equals(repository)).toList();
    }
}
