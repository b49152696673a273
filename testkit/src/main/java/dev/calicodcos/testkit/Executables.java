package dev.calicodcos.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Finds programs the tests need (etcd, dockerd) on PATH and in the places Debian installs them. */
public final class Executables {
    private static final List<String> EXTRA_DIRS = List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin");

    private Executables() {}

    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return java.util.stream.Stream.concat(Arrays.stream(path.split(File.pathSeparator)), EXTRA_DIRS.stream())
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
