package dev.calicodcos.sim.master;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Immutable bag of resources keyed by (name, reservation role): scalars in thousandths (Mesos keeps
 * three decimals) and ranges as disjoint inclusive intervals. SET resources are not modelled.
 */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
public final class ResourcePool {
    /** Resource identity for arithmetic; {@code role} is "*" for unreserved. */
    public record Key(String name, String role) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = name.compareTo(o.name);
            return c != 0 ? c : role.compareTo(o.role);
        }
    }

    private static final ResourcePool EMPTY = new ResourcePool(Map.of(), Map.of());

    private final Map<Key, Long> scalars;                       // milli-units
    private final Map<Key, NavigableMap<Long, Long>> ranges;    // begin -> end, disjoint

    private ResourcePool(Map<Key, Long> scalars, Map<Key, NavigableMap<Long, Long>> ranges) {
        this.scalars = scalars;
        this.ranges = ranges;
    }

    public static ResourcePool empty() {
        return EMPTY;
    }

    /** Reads protobuf resources; throws IllegalArgumentException for kinds the simulator does not model. */
    public static ResourcePool of(List<Resource> resources) {
        TreeMap<Key, Long> s = new TreeMap<>();
        TreeMap<Key, NavigableMap<Long, Long>> r = new TreeMap<>();
        for (Resource res : resources) {
            Key key = new Key(res.getName(), res.getRole());
            switch (res.getType()) {
                case SCALAR -> s.merge(key, Math.round(res.getScalar().getValue() * 1000), Long::sum);
                case RANGES -> {
                    NavigableMap<Long, Long> target = r.computeIfAbsent(key, k -> new TreeMap<>());
                    for (Value.Range range : res.getRanges().getRangeList()) {
                        if (range.getEnd() < range.getBegin()) {
                            throw new IllegalArgumentException("Invalid range [" + range.getBegin() + "-" + range.getEnd() + "]");
                        }
                        addRange(target, range.getBegin(), range.getEnd());
                    }
                }
                default -> throw new IllegalArgumentException("Resource type " + res.getType() + " of '"
                        + res.getName() + "' is not supported by the simulator");
            }
        }
        return new ResourcePool(Collections.unmodifiableMap(s), Collections.unmodifiableMap(r)).normalized();
    }

    public boolean isEmpty() {
        return scalars.isEmpty() && ranges.isEmpty();
    }

    public boolean contains(ResourcePool other) {
        for (Map.Entry<Key, Long> e : other.scalars.entrySet()) {
            if (scalars.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        for (Map.Entry<Key, NavigableMap<Long, Long>> e : other.ranges.entrySet()) {
            NavigableMap<Long, Long> mine = ranges.get(e.getKey());
            for (Map.Entry<Long, Long> range : e.getValue().entrySet()) {
                if (mine == null) {
                    return false;
                }
                Map.Entry<Long, Long> covering = mine.floorEntry(range.getKey());
                if (covering == null || covering.getValue() < range.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }

    public ResourcePool plus(ResourcePool other) {
        TreeMap<Key, Long> s = new TreeMap<>(scalars);
        other.scalars.forEach((k, v) -> s.merge(k, v, Long::sum));
        TreeMap<Key, NavigableMap<Long, Long>> r = copyRanges(ranges);
        other.ranges.forEach((k, v) -> v.forEach((b, e) -> addRange(r.computeIfAbsent(k, x -> new TreeMap<>()), b, e)));
        return new ResourcePool(s, r).normalized();
    }

    /** Requires {@code contains(other)}. */
    public ResourcePool minus(ResourcePool other) {
        if (!contains(other)) {
            throw new IllegalArgumentException("cannot subtract resources that are not contained");
        }
        TreeMap<Key, Long> s = new TreeMap<>(scalars);
        other.scalars.forEach((k, v) -> s.merge(k, -v, Long::sum));
        TreeMap<Key, NavigableMap<Long, Long>> r = copyRanges(ranges);
        other.ranges.forEach((k, v) -> v.forEach((b, e) -> removeRange(r.get(k), b, e)));
        return new ResourcePool(s, r).normalized();
    }

    public ResourcePool filterRoles(Predicate<String> keepRole) {
        TreeMap<Key, Long> s = new TreeMap<>();
        scalars.forEach((k, v) -> { if (keepRole.test(k.role())) s.put(k, v); });
        TreeMap<Key, NavigableMap<Long, Long>> r = new TreeMap<>();
        ranges.forEach((k, v) -> { if (keepRole.test(k.role())) r.put(k, v); });
        return new ResourcePool(s, r);
    }

    public double scalar(String name) {
        return scalars.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .mapToLong(Map.Entry::getValue).sum() / 1000.0;
    }

    /** Scalars by name, summed across roles (legacy JSON shape). */
    public Map<String, Double> scalarsByName() {
        TreeMap<String, Double> out = new TreeMap<>();
        scalars.forEach((k, v) -> out.merge(k.name(), v / 1000.0, Double::sum));
        return out;
    }

    /** Range resources by name in Mesos's legacy text form {@code [a-b, c-d]}. */
    public Map<String, String> rangesByName() {
        TreeMap<String, NavigableMap<Long, Long>> merged = new TreeMap<>();
        ranges.forEach((k, v) -> v.forEach((b, e) -> addRange(merged.computeIfAbsent(k.name(), x -> new TreeMap<>()), b, e)));
        TreeMap<String, String> out = new TreeMap<>();
        merged.forEach((name, v) -> {
            List<String> parts = new ArrayList<>();
            v.forEach((b, e) -> parts.add(b + "-" + e));
            out.put(name, "[" + String.join(", ", parts) + "]");
        });
        return out;
    }

    public java.util.Set<String> roles() {
        java.util.TreeSet<String> roles = new java.util.TreeSet<>();
        scalars.keySet().forEach(k -> roles.add(k.role()));
        ranges.keySet().forEach(k -> roles.add(k.role()));
        return roles;
    }

    /** Protobuf form; {@code allocationRole} adds {@code allocation_info} (MULTI_ROLE frameworks only). */
    public List<Resource> toProtos(Optional<String> allocationRole) {
        List<Resource> out = new ArrayList<>();
        TreeMap<Key, Boolean> keys = new TreeMap<>();
        scalars.keySet().forEach(k -> keys.put(k, true));
        ranges.keySet().forEach(k -> keys.put(k, false));
        for (Map.Entry<Key, Boolean> e : keys.entrySet()) {
            Key k = e.getKey();
            Resource.Builder b = Resource.newBuilder().setName(k.name()).setRole(k.role());
            if (e.getValue()) {
                b.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(scalars.get(k) / 1000.0));
            } else {
                Value.Ranges.Builder rb = Value.Ranges.newBuilder();
                ranges.get(k).forEach((bg, en) -> rb.addRange(Value.Range.newBuilder().setBegin(bg).setEnd(en)));
                b.setType(Value.Type.RANGES).setRanges(rb);
            }
            allocationRole.ifPresent(role -> b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role)));
            out.add(b.build());
        }
        return out;
    }

    private ResourcePool normalized() {
        TreeMap<Key, Long> s = new TreeMap<>();
        scalars.forEach((k, v) -> { if (v > 0) s.put(k, v); });
        TreeMap<Key, NavigableMap<Long, Long>> r = new TreeMap<>();
        ranges.forEach((k, v) -> { if (v != null && !v.isEmpty()) r.put(k, Collections.unmodifiableNavigableMap(new TreeMap<>(v))); });
        return new ResourcePool(Collections.unmodifiableMap(s), Collections.unmodifiableMap(r));
    }

    private static TreeMap<Key, NavigableMap<Long, Long>> copyRanges(Map<Key, NavigableMap<Long, Long>> in) {
        TreeMap<Key, NavigableMap<Long, Long>> out = new TreeMap<>();
        in.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }

    private static void addRange(NavigableMap<Long, Long> target, long begin, long end) {
        long b = begin;
        long e = end;
        Map.Entry<Long, Long> before = target.floorEntry(b);
        if (before != null && before.getValue() >= b - 1) {
            b = before.getKey();
            e = Math.max(e, before.getValue());
            target.remove(before.getKey());
        }
        Map.Entry<Long, Long> next = target.ceilingEntry(b);
        while (next != null && next.getKey() <= e + 1) {
            e = Math.max(e, next.getValue());
            target.remove(next.getKey());
            next = target.ceilingEntry(b);
        }
        target.put(b, e);
    }

    private static void removeRange(NavigableMap<Long, Long> target, long begin, long end) {
        Map.Entry<Long, Long> covering = target.floorEntry(begin);
        target.remove(covering.getKey());
        if (covering.getKey() < begin) {
            target.put(covering.getKey(), begin - 1);
        }
        if (covering.getValue() > end) {
            target.put(end + 1, covering.getValue());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourcePool p && scalars.equals(p.scalars) && ranges.equals(p.ranges);
    }

    @Override
    public int hashCode() {
        return scalars.hashCode() * 31 + ranges.hashCode();
    }

    @Override
    public String toString() {
        return "ResourcePool" + scalars + ranges;
    }
}
