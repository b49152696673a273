package dev.calicodcos.sim.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fixed registry, Docker's reference forms and the restart backoff (pure). */
class RegistryTest {
    private final Registry registry = Registry.standard();

    private Registry.Answer resolve(String reference) {
        return registry.resolve(ImageRef.parse(reference).orElseThrow());
    }

    @Test
    void knownImagesAreFoundByTagInAnyDockerSpelling() {
        assertThat(resolve("calico/node:v2.6.12")).isEqualTo(new Registry.Found(registry.image("calico/node:v2.6.12").orElseThrow()));
        assertThat(resolve("docker.io/calico/node:v2.6.12")).isEqualTo(resolve("calico/node:v2.6.12"));
        assertThat(resolve("docker.io/library/busybox")).isEqualTo(resolve("busybox:latest"));
        assertThat(resolve("quay.io/calico/node:v2.6.12")).isInstanceOf(Registry.Found.class);
        assertThat(registry.image("calico/libnetwork-plugin:v1.1.3").orElseThrow().behaviour())
                .isEqualTo(ImageBehaviour.LIBNETWORK_PLUGIN);
        assertThat(registry.image("calico/node:v2.6.12-sim-never-ready").orElseThrow().behaviour())
                .isEqualTo(ImageBehaviour.NODE_NEVER_READY);
        assertThat(registry.image("calico/node:v2.6.12-sim-crash-loop").orElseThrow().behaviour()).isEqualTo(ImageBehaviour.CRASH_LOOP);
        assertThat(registry.image("calico/node:v2.6.11").orElseThrow().behaviour()).isEqualTo(ImageBehaviour.NODE_READY);
    }

    @Test
    void unknownRepositoriesAndTagsAreRefusedWithDockersMessages() {
        assertThat(resolve("calico/nope:v1").refusal()).isEqualTo("pull access denied for calico/nope, repository does not exist"
                + " or may require 'docker login': denied: requested access to the resource is denied");
        assertThat(resolve("calico/node:v9").refusal()).isEqualTo("manifest for calico/node:v9 not found: manifest unknown:"
                + " manifest unknown");
        assertThat(resolve("calico/node@sha256:" + "0".repeat(64)).refusal())
                .isEqualTo("manifest for calico/node@sha256:" + "0".repeat(64) + " not found: manifest unknown: manifest unknown");
    }

    @Test
    void aDigestNamesItsImageWhateverTheTagSays() {
        KnownImage node = registry.image("calico/node:v2.6.12").orElseThrow();

        assertThat(resolve("calico/node@" + node.digest())).isEqualTo(new Registry.Found(node));
        assertThat(resolve("calico/node:v2.6.11@" + node.digest())).isEqualTo(new Registry.Found(node));
        assertThat(node.pinned()).isEqualTo("calico/node@" + node.digest());
    }

    @Test
    void digestsAndIdsAreFixedSha256ValuesDistinctPerImage() {
        List<KnownImage> images = registry.images();

        assertThat(images).allSatisfy(i -> {
            assertThat(i.digest()).matches("sha256:[0-9a-f]{64}");
            assertThat(i.id()).matches("sha256:[0-9a-f]{64}").isNotEqualTo(i.digest());
        });
        assertThat(images.stream().map(KnownImage::digest).collect(Collectors.toSet())).hasSize(images.size());
        assertThat(images.stream().map(KnownImage::id).collect(Collectors.toSet())).hasSize(images.size());
        assertThat(KnownImage.of("calico/node:v2.6.12", ImageBehaviour.NODE_READY))
                .isEqualTo(registry.image("calico/node:v2.6.12").orElseThrow());
    }

    @Test
    void theSpecDefaultsAndEveryImageTheExamplesRunAreKnown() {
        Set<String> known = registry.images().stream().map(KnownImage::reference).collect(Collectors.toSet());

        assertThat(known).contains("calico/node:v2.6.12", "calico/libnetwork-plugin:v1.1.3", "calico/node:v2.6.11",
                "quay.io/calico/node:v2.6.12", "registry.example.org/calico/node:v2.6.12",
                "registry.example.org/calico/libnetwork-plugin:v1.1.3", "registry.example:5000/calico/libnetwork-plugin:v1.1.3");
    }

    @Test
    void malformedReferencesAreNotReferences() {
        assertThat(ImageRef.parse("Calico/Node:v1")).isEmpty();
        assertThat(ImageRef.parse("calico/node:")).isEmpty();
        assertThat(ImageRef.parse("calico/node@sha256:abc")).isEmpty();
        assertThat(ImageRef.parse("localhost:5000/calico/node")).hasValue(new ImageRef("localhost:5000/calico/node", "latest", null));
    }

    @Test
    void restartsBackOffFrom100MillisecondsDoublingUpToAMinute() {
        assertThat(List.of(RestartBackoff.delay(1), RestartBackoff.delay(2), RestartBackoff.delay(3), RestartBackoff.delay(10),
                RestartBackoff.delay(11), RestartBackoff.delay(500)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(51_200),
                        Duration.ofMinutes(1), Duration.ofMinutes(1));
    }
}
