package dev.calicodcos.controller.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The build's outputs (paths passed in by the pom's integration-test run) and a way to run them. */
final class Packaged {
    private Packaged() {}

    static Path jar() {
        return existing("calico.dcos.jar");
    }

    static Path runtimeTarball() {
        return existing("calico.dcos.runtime");
    }

    /** The modules the build decided: jdeps' list plus the service providers the pom adds. */
    static List<String> decidedModules() throws IOException {
        return List.of(Files.readString(existing("calico.dcos.runtimeModules")).trim().split(","));
    }

    static Path example(String name) {
        return Path.of(System.getProperty("calico.dcos.projectDir", "..")).resolve("crd-like-schemas/examples").resolve(name);
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property " + property + " (set by the pom's integration-test run)").isNotNull();
        Path path = Path.of(value);
        assertThat(path).as(property).isRegularFile();
        return path;
    }

    record Run(int exitCode, String out, String err) {}

    static Run run(Path dir, List<String> argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile("run", ".out");
        Path err = Files.createTempFile("run", ".err");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(argv)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("still running after 90 s: " + argv);
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
