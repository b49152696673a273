package dev.calicodcos.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The published schema document, loaded once from the packaged copy of {@code crd-like-schemas/}. */
public final class CalicoClusterSchema {
    public static final String RESOURCE = "/dev/calicodcos/model/schema/calicocluster.v1.schema.json";

    private final JsonNode root;

    public CalicoClusterSchema() {
        try (InputStream in = CalicoClusterSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + RESOURCE);
            }
            this.root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** Follows a local {@code $ref} ({@code #/$defs/x}); other nodes are returned as they are. */
    public JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        while (current != null && current.has("$ref")) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException("only local $refs are supported: " + ref);
            }
            current = root.at(ref.substring(1));
        }
        return current;
    }

    /** A property's default: on the property itself, else on the definition it refers to. */
    public JsonNode defaultOf(JsonNode propertySchema) {
        if (propertySchema.has("default")) {
            return propertySchema.get("default");
        }
        JsonNode resolved = resolve(propertySchema);
        return resolved == null ? null : resolved.get("default");
    }
}
