package dev.calicodcos.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Renders the spec reference (docs/spec-reference.md) from the published schema, so the
 * documentation of every field, default and constraint cannot drift from what is enforced.
 */
public final class SpecReference {
    private final CalicoClusterSchema schema;

    public SpecReference(CalicoClusterSchema schema) {
        this.schema = schema;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# CalicoCluster spec reference\n\n")
                .append("Generated from `crd-like-schemas/calicocluster.v1.schema.json` by `SpecReferenceTest`; ")
                .append("do not edit by hand (run `./mvnw -pl model test -Dtest=SpecReferenceTest -Dcalico.dcos.updateDocs=true`).\n\n")
                .append(schema.root().path("description").asText()).append("\n\n");
        JsonNode spec = schema.resolve(schema.root().path("properties").path("spec"));
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            JsonNode resolved = schema.resolve(section.getValue());
            md.append("## `spec.").append(section.getKey()).append("`\n\n")
                    .append(resolved.path("description").asText()).append("\n\n")
                    .append("| field | type | default | constraints | description |\n")
                    .append("|---|---|---|---|---|\n");
            List<String[]> rows = new ArrayList<>();
            collectRows("spec." + section.getKey(), resolved, rows);
            for (String[] row : rows) {
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private void collectRows(String path, JsonNode objectSchema, List<String[]> rows) {
        for (Iterator<Map.Entry<String, JsonNode>> it = objectSchema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String childPath = path + "." + p.getKey();
            JsonNode own = p.getValue();
            JsonNode resolved = schema.resolve(own);
            boolean nested = resolved.path("properties").size() > 0 && !"resources".equals(p.getKey())
                    && !ref(own).endsWith("/download");
            JsonNode fallback = schema.defaultOf(own);
            String description = own.has("description") ? own.path("description").asText() : resolved.path("description").asText();
            if (nested && !resolved.path("type").isArray()) {
                if (fallback == null) {
                    rows.add(new String[] {"`" + childPath + "`", "object", "—", "optional", escape(description)});
                }
                collectRows(childPath, resolved, rows);
                continue;
            }
            rows.add(new String[] {
                    "`" + childPath + "`",
                    type(resolved),
                    fallback == null ? "—" : "`" + fallback + "`",
                    constraints(resolved),
                    escape(description)});
            if (nested) { // a field of several forms, one of them an object (rollout.canary): its own row, then its fields
                collectRows(childPath, resolved, rows);
            }
        }
    }

    private static String ref(JsonNode node) {
        return node.path("$ref").asText("");
    }

    private String type(JsonNode s) {
        if (s.path("type").isArray()) {
            return StreamSupport.stream(s.get("type").spliterator(), false).map(JsonNode::asText).collect(Collectors.joining(" or "));
        }
        if (s.has("enum")) {
            return "enum";
        }
        if (s.path("type").asText().equals("array")) {
            return "list of " + type(schema.resolve(s.path("items")));
        }
        if (s.path("type").asText().equals("object")) {
            return s.has("additionalProperties") && s.path("additionalProperties").isObject() ? "map of string" : "object";
        }
        return s.path("type").asText("string");
    }

    private String constraints(JsonNode s) {
        List<String> c = new ArrayList<>();
        if (s.has("enum")) {
            c.add("one of " + StreamSupport.stream(s.get("enum").spliterator(), false).map(v -> "`" + v.asText() + "`").collect(Collectors.joining(", ")));
        }
        if (s.has("minimum")) {
            c.add("≥ " + s.get("minimum"));
        }
        if (s.has("exclusiveMinimum")) {
            c.add("> " + s.get("exclusiveMinimum"));
        }
        if (s.has("maximum")) {
            c.add("≤ " + s.get("maximum"));
        }
        if (s.has("minItems")) {
            c.add("at least " + s.get("minItems") + " item(s)");
        }
        JsonNode items = s.has("items") ? schema.resolve(s.get("items")) : null;
        JsonNode withMessage = s.has("message") ? s : items != null && items.has("message") ? items : null;
        if (withMessage != null) {
            c.add(withMessage.path("message").path("pattern").asText());
        }
        if (s.has("required")) {
            c.add("requires " + StreamSupport.stream(s.get("required").spliterator(), false).map(JsonNode::asText).collect(Collectors.joining(", ")));
        }
        return c.isEmpty() ? "" : escape(String.join("; ", c));
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
