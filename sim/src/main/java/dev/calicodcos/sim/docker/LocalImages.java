package dev.calicodcos.sim.docker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The images an agent's dockerd holds, by image ID, with the tags and digests they were pulled (or
 * pre-loaded) under. Found as Docker finds an image: by {@code repository:tag}, {@code repository@digest},
 * full ID or a unique prefix of it (with or without {@code sha256:}).
 */
final class LocalImages {
    /** One local image: {@code RepoTags} and {@code RepoDigests} grow with every pull that names it. */
    record LocalImage(KnownImage image, Set<String> repoTags, Set<String> repoDigests) {}

    private final Map<String, LocalImage> byId = new LinkedHashMap<>();

    /** A pull by tag or digest: the image gets that tag (by tag only) and its digest. */
    void pulled(KnownImage image, ImageRef as) {
        LocalImage local = entry(image);
        if (as.digest() == null) {
            local.repoTags().add(as.tagged());
        }
        local.repoDigests().add(image.pinned());
    }

    /** An image an agent had before the simulation (a {@code docker load}): tagged, without digest unless the registry has it. */
    void preloaded(KnownImage image, boolean fromRegistry) {
        LocalImage local = entry(image);
        local.repoTags().add(image.reference());
        if (fromRegistry) {
            local.repoDigests().add(image.pinned());
        }
    }

    private LocalImage entry(KnownImage image) {
        return byId.computeIfAbsent(image.id(), id -> new LocalImage(image, new LinkedHashSet<>(), new LinkedHashSet<>()));
    }

    Optional<LocalImage> find(String refOrId) {
        Optional<ImageRef> ref = ImageRef.parse(refOrId);
        if (ref.isPresent()) {
            String key = ref.get().digest() != null ? ref.get().repository() + "@" + ref.get().digest() : ref.get().tagged();
            for (LocalImage local : byId.values()) {
                if (local.repoTags().contains(key) || local.repoDigests().contains(key)) {
                    return Optional.of(local);
                }
            }
        }
        if (!ImageRef.looksLikeId(refOrId)) {
            return Optional.empty();
        }
        String prefix = refOrId.startsWith("sha256:") ? refOrId : "sha256:" + refOrId;
        List<LocalImage> matching = new ArrayList<>();
        byId.forEach((id, local) -> {
            if (id.startsWith(prefix)) {
                matching.add(local);
            }
        });
        return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
    }

    Collection<LocalImage> all() {
        return byId.values();
    }
}
