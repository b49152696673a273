package dev.calicodcos.controller.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The jar a class was loaded from: what the controller serves to node agents, where the demo looks around. */
public final class JarLocation {
    private JarLocation() {}

    /** Empty when the class does not come from a jar file (an IDE, {@code target/classes}). */
    public static Optional<Path> of(Class<?> type) {
        try {
            Path path = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
