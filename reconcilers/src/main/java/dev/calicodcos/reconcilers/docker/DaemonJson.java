package dev.calicodcos.reconcilers.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Parses, merges and prints daemon.json, keeping the user's keys and their order. */
final class DaemonJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DaemonJson() {}

    static ObjectNode parse(String path, Optional<byte[]> content) {
        if (content.isEmpty() || new String(content.get(), StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode tree = JSON.readTree(content.get());
            if (tree instanceof ObjectNode object) {
                return object;
            }
            throw new StepFailure(StepReason.DAEMON_JSON_INVALID, path + " is not a JSON object; fix or remove it");
        } catch (JsonProcessingException e) {
            throw new StepFailure(StepReason.DAEMON_JSON_INVALID, path + " is not valid JSON ("
                    + e.getOriginalMessage() + "); fix it by hand, docker will not start with it either", e);
        } catch (java.io.IOException e) {
            throw new StepFailure(StepReason.DAEMON_JSON_INVALID, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** {@code current} with {@code keys} set: existing keys keep their place, new ones are appended. */
    static ObjectNode merged(ObjectNode current, ObjectNode keys) {
        ObjectNode result = current.deepCopy();
        keys.properties().forEach(e -> result.set(e.getKey(), e.getValue()));
        return result;
    }

    /** {@code current} without the keys whose value is still the one we wrote. */
    static ObjectNode without(ObjectNode current, ObjectNode ours) {
        ObjectNode result = current.deepCopy();
        for (Map.Entry<String, JsonNode> e : ours.properties()) {
            if (e.getValue().equals(result.get(e.getKey()))) {
                result.remove(e.getKey());
            }
        }
        return result;
    }

    static byte[] print(ObjectNode config) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        try {
            return (JSON.writer(printer).writeValueAsString(config) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always prints", e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
