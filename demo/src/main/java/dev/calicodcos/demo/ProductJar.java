package dev.calicodcos.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the demo finds the product jar its simulated agents run (with the runtime tarball beside
 * it): the build leaves it in {@code controller/target}, next to this jar's {@code demo/target}.
 */
final class ProductJar {
    static final String NAME = "calico-dcos.jar";

    private ProductJar() {}

    /**
     * Where to look, in order: beside the demo jar (both copied to one folder), the checkout's
     * {@code controller/target} seen from the demo jar, and {@code controller/target} under
     * {@code workingDir}.
     */
    static List<Path> candidates(Optional<Path> demoJar, Path workingDir) {
        List<Path> candidates = new ArrayList<>();
        demoJar.map(jar -> jar.toAbsolutePath().getParent()).ifPresent(dir -> {
            candidates.add(dir.resolve(NAME));
            if (dir.getParent() != null && dir.getParent().getParent() != null) {
                candidates.add(dir.getParent().getParent().resolve("controller/target").resolve(NAME));
            }
        });
        candidates.add(workingDir.resolve("controller/target").resolve(NAME));
        return candidates.stream().map(Path::normalize).distinct().toList();
    }
}
