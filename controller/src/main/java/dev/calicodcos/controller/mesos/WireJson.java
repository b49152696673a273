package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** Small helpers for the Mesos v1 JSON conventions (wrapped IDs, snake_case, optional fields). */
final class WireJson {
    private WireJson() {}

    static ObjectNode id(String value) {
        return JsonNodeFactory.instance.objectNode().put("value", value);
    }

    /** Reads a required wrapped ID ({@code {"value": "..."}}) or fails with a protocol error. */
    static String requiredId(JsonNode parent, String field) {
        return optionalId(parent, field).orElseThrow(() -> new MesosException(
                MesosException.Reason.PROTOCOL, "missing required field " + field + ".value"));
    }

    static Optional<String> optionalId(JsonNode parent, String field) {
        return Optional.ofNullable(parent.path(field).path("value").textValue());
    }

    static String requiredText(JsonNode parent, String field) {
        return optionalText(parent, field).orElseThrow(() -> new MesosException(
                MesosException.Reason.PROTOCOL, "missing required field " + field));
    }

    static Optional<String> optionalText(JsonNode parent, String field) {
        return Optional.ofNullable(parent.path(field).textValue());
    }

    /** Renders a v1 attribute or legacy map value as text: TEXT as is, SCALAR as its number, others raw. */
    static String scalarText(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
