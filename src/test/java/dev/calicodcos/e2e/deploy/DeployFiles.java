package dev.calicodcos.e2e.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files under {@code deploy/}, read from the project folder the build passes in. */
final class DeployFiles {
    /** Duplicate keys are errors: Marathon and Cosmos would silently keep one of them. */
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DeployFiles() {}

    static Path projectDir() {
        return Path.of(System.getProperty("calico.dcos.projectDir", "../.."));
    }

    static Path deploy(String relative) {
        return projectDir().resolve("deploy").resolve(relative);
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        return json(text(file));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage() + "\n" + text, e);
        }
    }
}
