package dev.calicodcos.model;

import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Spec fixtures shared by every module's tests (this class ships in the model test-jar). */
public final class Specs {
    private static final SpecCodec CODEC = new SpecCodec();
    private static final SpecReader READER = new SpecReader(CODEC);

    private Specs() {}

    public static final String MINIMAL_YAML = """
            apiVersion: calico-dcos.io/v1
            kind: CalicoCluster
            metadata:
              name: default
            """;

    /** The minimal document with {@code specYaml} (indented by two spaces per level) under {@code spec:}. */
    public static String withSpec(String specYaml) {
        if (specYaml.isBlank()) {
            return MINIMAL_YAML;
        }
        return MINIMAL_YAML + "spec:\n" + specYaml.stripTrailing().indent(2);
    }

    public static CalicoCluster minimal() {
        return parse(MINIMAL_YAML);
    }

    public static CalicoCluster parse(String yaml) {
        ReadResult result = READER.read(yaml.getBytes(StandardCharsets.UTF_8));
        if (result instanceof ReadResult.Valid valid) {
            return valid.cluster();
        }
        throw new IllegalArgumentException("fixture spec is invalid: " + result.problems());
    }

    public static ReadResult read(String text) {
        return READER.read(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] example(String name) {
        try (InputStream in = Specs.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no example " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String exampleText(String name) {
        return new String(example(name), StandardCharsets.UTF_8);
    }
}
