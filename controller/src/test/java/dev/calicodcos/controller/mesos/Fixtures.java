package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * Test inputs: upstream fixtures from {@code $calico.dcos.sharedDir/fixtures/mesos/} and the wire-accurate
 * examples of the reference page, copied under {@code src/test/resources/mesos-reference/}.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    public static byte[] shared(String name) {
        String dir = Objects.requireNonNull(System.getProperty("calico.dcos.sharedDir"),
                "system property calico.dcos.sharedDir (set by the parent pom's surefire config)");
        try {
            return Files.readAllBytes(Path.of(dir, "fixtures", "mesos", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] reference(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/mesos-reference/" + name)) {
            return Objects.requireNonNull(in, "missing test resource mesos-reference/" + name).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON equality where 2 and 2.0 are the same number (Mesos accepts and emits both). */
    public static boolean sameJson(JsonNode a, JsonNode b) {
        return a.equals(NUMERIC_VALUE, b);
    }

    private static final Comparator<JsonNode> NUMERIC_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };
}
