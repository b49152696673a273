package dev.calicodcos.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The one place defaults are applied: every {@code default} in the published schema, filled into
 * the fields a document leaves out, depth first. Because the schema is the source, the defaults
 * users read in the schema are the defaults the controller uses.
 */
public final class SpecDefaults {
    private final CalicoClusterSchema schema;

    public SpecDefaults(CalicoClusterSchema schema) {
        this.schema = schema;
    }

    /** A defaulted deep copy; the input is not modified. */
    public ObjectNode apply(ObjectNode document) {
        ObjectNode copy = document.deepCopy();
        fill(copy, schema.root());
        return copy;
    }

    private void fill(ObjectNode instance, JsonNode objectSchema) {
        JsonNode properties = schema.resolve(objectSchema).get("properties");
        if (properties == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            JsonNode propertySchema = property.getValue();
            if (!instance.has(property.getKey())) {
                JsonNode fallback = schema.defaultOf(propertySchema);
                if (fallback == null) {
                    continue;
                }
                instance.set(property.getKey(), fallback.deepCopy());
            }
            if (instance.get(property.getKey()) instanceof ObjectNode child) {
                fill(child, propertySchema);
            }
        }
    }
}
