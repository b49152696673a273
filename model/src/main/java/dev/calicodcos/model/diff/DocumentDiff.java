package dev.calicodcos.model.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.model.codec.DocumentPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Field-level differences between two JSON trees, depth first, in sorted key order. Lists are
 * compared as whole values: an inserted endpoint is one change, not a shift of every index.
 */
public final class DocumentDiff {
    private DocumentDiff() {}

    public static List<FieldChange> between(JsonNode before, JsonNode after) {
        List<FieldChange> changes = new ArrayList<>();
        walk("", before, after, changes);
        return List.copyOf(changes);
    }

    private static void walk(String path, JsonNode before, JsonNode after, List<FieldChange> out) {
        if (before != null && after != null && before.isObject() && after.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(DocumentPaths.child(path, name), before.get(name), after.get(name), out);
            }
            return;
        }
        if (before == null || after == null || !before.equals(after)) {
            out.add(new FieldChange(path, Optional.ofNullable(before), Optional.ofNullable(after)));
        }
    }
}
