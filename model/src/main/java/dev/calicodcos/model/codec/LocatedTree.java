package dev.calicodcos.model.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/** A parsed document together with where each value came from, so messages can name a line. */
public record LocatedTree(ObjectNode root, Map<String, SourceLocation> locations) {
    public LocatedTree {
        locations = Map.copyOf(locations);
    }

    /** The location of {@code path}, or of its nearest ancestor that was written in the file. */
    public Optional<SourceLocation> locate(String path) {
        String p = path;
        while (!p.isEmpty()) {
            SourceLocation at = locations.get(p);
            if (at != null) {
                return Optional.of(at);
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return Optional.empty();
    }
}
