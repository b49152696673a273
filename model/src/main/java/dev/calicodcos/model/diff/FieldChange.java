package dev.calicodcos.model.diff;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** One field that differs between two documents; a side is empty where the field is absent. */
public record FieldChange(String path, Optional<JsonNode> before, Optional<JsonNode> after) {

    /** {@code ~ path: old → new}, {@code + path: new}, {@code - path: old}. */
    public String describe() {
        if (before.isEmpty()) {
            return "+ " + path + ": " + after.get();
        }
        if (after.isEmpty()) {
            return "- " + path + ": " + before.get();
        }
        return "~ " + path + ": " + before.get() + " → " + after.get();
    }
}
