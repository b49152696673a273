package dev.calicodcos.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.calicodcos.model.codec.DocumentPaths;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Validates documents against the published {@code calicocluster.v1.schema.json} (the file in
 * {@code crd-like-schemas/}, packaged as a resource) and words each failure the way our CLI prints it.
 */
public final class SchemaValidator {
    private final JsonSchema schema;

    public SchemaValidator(CalicoClusterSchema document) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .errorMessageKeyword("message")
                .build();
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(document.root(), config);
    }

    /** Every violation, sorted by path; empty when the document conforms. */
    public List<Violation> validate(JsonNode document) {
        Set<ValidationMessage> messages = schema.validate(document);
        return messages.stream()
                .map(SchemaValidator::toViolation)
                .distinct()
                .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                .toList();
    }

    private static Violation toViolation(ValidationMessage m) {
        String path = path(m.getInstanceLocation());
        JsonNode schemaNode = m.getSchemaNode();
        JsonNode constraint = schemaNode != null && schemaNode.isObject() ? schemaNode.get(m.getType()) : schemaNode;
        return switch (m.getType()) {
            case "required" -> Violation.error(DocumentPaths.child(path, m.getProperty()), ownMessage(m).orElse("is required"));
            case "additionalProperties", "unevaluatedProperties" ->
                    Violation.error(DocumentPaths.child(path, m.getProperty()), "unknown field");
            case "type" -> Violation.error(path, "must be " + article(constraint) + ", not " + kind(m.getInstanceNode()));
            case "minimum" -> Violation.error(path, "must be ≥ " + text(constraint));
            case "maximum" -> Violation.error(path, "must be ≤ " + text(constraint));
            case "exclusiveMinimum" -> Violation.error(path, "must be > " + text(constraint));
            case "exclusiveMaximum" -> Violation.error(path, "must be < " + text(constraint));
            case "minItems" -> Violation.error(path, "must have at least " + text(constraint) + " item(s)");
            case "uniqueItems" -> Violation.error(path, "must not contain duplicates");
            case "minLength" -> Violation.error(path, "must not be empty");
            case "maxLength" -> Violation.error(path, "must be at most " + text(constraint) + " characters");
            case "enum" -> Violation.error(path, "must be one of: " + join(constraint));
            case "const" -> Violation.error(path, "must be " + text(constraint));
            default -> Violation.error(path, stripPath(m.getMessage()));
        };
    }

    /** The schema's own wording ({@code "message": {"required": "..."}} beside the keyword), where it has one. */
    private static java.util.Optional<String> ownMessage(ValidationMessage m) {
        String message = stripPath(m.getMessage());
        return message.contains("required property") ? java.util.Optional.empty() : java.util.Optional.of(message);
    }

    static String path(JsonNodePath location) {
        String path = "";
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path = element instanceof Integer index
                    ? DocumentPaths.index(path, index)
                    : DocumentPaths.child(path, String.valueOf(element));
        }
        return path;
    }

    /** The validator's message without its own path ({@code $.spec.x: } or, for property names, {@code /spec/x: }). */
    private static String stripPath(String message) {
        int colon = message.indexOf(": ");
        return (message.startsWith("$") || message.startsWith("/")) && colon > 0 ? message.substring(colon + 2) : message;
    }

    private static String text(JsonNode node) {
        return node == null ? "?" : node.isTextual() ? node.asText() : node.toString();
    }

    private static String join(JsonNode values) {
        if (values == null || !values.isArray()) {
            return text(values);
        }
        return StreamSupport.stream(values.spliterator(), false).map(SchemaValidator::text).collect(Collectors.joining(", "));
    }

    private static String article(JsonNode type) {
        String t = text(type);
        return switch (t) {
            case "object" -> "a mapping";
            case "array" -> "a list";
            case "integer" -> "an integer";
            default -> "a " + t;
        };
    }

    private static String kind(JsonNode node) {
        if (node == null) {
            return "?";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "a mapping";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
