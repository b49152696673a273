package dev.calicodcos.model.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.model.Redaction;
import java.util.Optional;

/** One field that differs between two documents; a side is empty where the field is absent. */
public record FieldChange(String path, Optional<JsonNode> before, Optional<JsonNode> after) {

    /**
     * {@code ~ path: old → new}, {@code + path: new}, {@code - path: old}; credentials inside URL
     * values are not shown (a pipeline's log is a log), so a changed password shows as a change of {@code ***}.
     */
    public String describe() {
        if (before.isEmpty()) {
            return "+ " + path + ": " + said(after.get());
        }
        if (after.isEmpty()) {
            return "- " + path + ": " + said(before.get());
        }
        return "~ " + path + ": " + said(before.get()) + " → " + said(after.get());
    }

    private static String said(JsonNode value) {
        return Redaction.text(value.toString());
    }
}
