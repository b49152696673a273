package dev.calicodcos.controller.mesos;

import java.util.List;
import java.util.Objects;

/**
 * A v1 {@code Resource}: a named quantity (scalar, ranges or set) and where it comes from.
 *
 * <p>Carve task resources out of offered ones with {@link #withScalar} / {@link #withRanges}, which
 * keep the offer's {@link ResourceOrigin}.
 */
public record Resource(String name, Kind kind, double scalar, List<ValueRange> ranges, List<String> items,
                       ResourceOrigin origin) {

    public enum Kind { SCALAR, RANGES, SET }

    public Resource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        ranges = List.copyOf(ranges);
        items = List.copyOf(items);
        Objects.requireNonNull(origin, "origin");
    }

    public static Resource scalar(String name, double value, ResourceOrigin origin) {
        return new Resource(name, Kind.SCALAR, value, List.of(), List.of(), origin);
    }

    public static Resource ranges(String name, List<ValueRange> ranges, ResourceOrigin origin) {
        return new Resource(name, Kind.RANGES, 0, ranges, List.of(), origin);
    }

    /** The same resource (same role, reservation and allocation) with a different amount. */
    public Resource withScalar(double value) {
        if (kind != Kind.SCALAR) {
            throw new IllegalStateException("resource " + name + " is not a scalar");
        }
        return scalar(name, value, origin);
    }

    public Resource withRanges(List<ValueRange> subRanges) {
        if (kind != Kind.RANGES) {
            throw new IllegalStateException("resource " + name + " is not a range resource");
        }
        return ranges(name, subRanges, origin);
    }
}
