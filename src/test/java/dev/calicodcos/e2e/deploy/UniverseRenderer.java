package dev.calicodcos.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.Map;

/**
 * Renders {@code deploy/universe/marathon.json.mustache} as Cosmos does: the defaults of
 * {@code config.json}, overridden by the user's options, plus {@code resource.json} under
 * {@code resource}, through mustache.java (the library Cosmos renders packages with).
 */
final class UniverseRenderer {
    private final JsonNode config = DeployFiles.json(DeployFiles.deploy("universe/config.json"));
    private final JsonNode resource = DeployFiles.json(DeployFiles.deploy("universe/resource.json"));
    private final String template = DeployFiles.text(DeployFiles.deploy("universe/marathon.json.mustache"));

    JsonNode config() {
        return config;
    }

    /** The defaults of config.json, as the nested options document they stand for. */
    ObjectNode defaults() {
        return defaultsOf(config);
    }

    /** Defaults with the user's options merged over them (objects deeply, everything else replaced). */
    ObjectNode options(JsonNode userOptions) {
        ObjectNode merged = defaults();
        merge(merged, userOptions);
        return merged;
    }

    /** The rendered text: what Cosmos would send to Marathon. */
    String render(JsonNode userOptions) {
        ObjectNode scope = options(userOptions);
        scope.set("resource", resource.deepCopy());
        @SuppressWarnings("unchecked")
        Map<String, Object> context = DeployFiles.JSON.convertValue(scope, Map.class);
        Mustache mustache = new DefaultMustacheFactory().compile(new StringReader(template), "marathon.json.mustache");
        StringWriter out = new StringWriter();
        mustache.execute(out, context);
        return out.toString();
    }

    JsonNode renderJson(JsonNode userOptions) {
        return DeployFiles.json(render(userOptions));
    }

    private static ObjectNode defaultsOf(JsonNode schema) {
        ObjectNode out = DeployFiles.JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode property = field.getValue();
            if (property.has("default")) {
                out.set(field.getKey(), property.get("default").deepCopy());
            } else if (property.has("properties")) {
                out.set(field.getKey(), defaultsOf(property));
            }
        }
        return out;
    }

    private static void merge(ObjectNode target, JsonNode overrides) {
        overrides.fields().forEachRemaining(e -> {
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode object && e.getValue().isObject()) {
                merge(object, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }
}
