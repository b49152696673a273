package dev.calicodcos.sim.master;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The JSON of each agent (or task) of a large answer, rendered again only when its value changed: at
 * 10,000 agents, printing every agent's resources through protobuf and Jackson on every poll would make
 * the simulator the bottleneck, while comparing a view with the last one is cheap. Safe for concurrent
 * readers (a race renders one item twice, nothing worse).
 */
final class RenderCache<V> {
    private record Entry<V>(V value, String json) {}

    private final Function<V, String> key;
    private final Function<V, String> render;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    RenderCache(Function<V, String> key, Function<V, String> render) {
        this.key = key;
        this.render = render;
    }

    /** Every item's JSON, in order; entries of items no longer listed are dropped. */
    List<String> all(List<V> items) {
        List<String> out = new ArrayList<>(items.size());
        items.forEach(item -> out.add(one(item)));
        if (entries.size() > items.size()) {
            Set<String> live = new HashSet<>();
            items.forEach(item -> live.add(key.apply(item)));
            entries.keySet().retainAll(live);
        }
        return out;
    }

    /** One item's JSON (a filtered answer: other entries are kept). */
    String one(V item) {
        String k = key.apply(item);
        Entry<V> entry = entries.get(k);
        if (entry == null || !entry.value().equals(item)) {
            entry = new Entry<>(item, render.apply(item));
            entries.put(k, entry);
        }
        return entry.json();
    }
}
