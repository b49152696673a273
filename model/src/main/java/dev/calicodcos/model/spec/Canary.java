package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code spec.rollout.canary}: a number of agents ({@code 2}), a percentage of the selected agents
 * ({@code "10%"}, rounded up), or a selector ({@code {hostnames: [...], attributes: {rack: r1}}}) naming
 * the agents of the wave. It reads and writes in the form it was given, as the schema has it.
 *
 * @param selector when present, the wave is the selected agents it matches, and {@code amount} is unused
 */
public record Canary(int amount, boolean percent, Optional<Selector> selector) {
    public static final Canary NONE = new Canary(0, false, Optional.empty());

    /**
     * Agents of the wave by name or by attributes; an agent matches when every part given matches.
     *
     * @param hostnames  one of these host names (empty: any)
     * @param attributes every one of these attributes, text as Mesos reports it (empty: any)
     */
    public record Selector(List<String> hostnames, Map<String, String> attributes) {
        public Selector {
            hostnames = List.copyOf(hostnames);
            attributes = Map.copyOf(attributes);
        }

        public boolean matches(String hostname, Map<String, String> agentAttributes) {
            return (hostnames.isEmpty() || hostnames.contains(hostname))
                    && attributes.entrySet().stream().allMatch(e -> e.getValue().equals(agentAttributes.get(e.getKey())));
        }

        /** As a YAML flow mapping, for messages: {@code {hostnames: [a1, a2], attributes: {rack: r1}}}. */
        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (!hostnames.isEmpty()) {
                parts.add("hostnames: [" + String.join(", ", hostnames) + "]");
            }
            if (!attributes.isEmpty()) {
                parts.add("attributes: {" + new TreeMap<>(attributes).entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", ")) + "}");
            }
            return "{" + String.join(", ", parts) + "}";
        }

        Map<String, Object> value() {
            Map<String, Object> out = new LinkedHashMap<>();
            if (!hostnames.isEmpty()) {
                out.put("hostnames", hostnames);
            }
            if (!attributes.isEmpty()) {
                out.put("attributes", new TreeMap<>(attributes));
            }
            return out;
        }
    }

    public Canary(int amount, boolean percent) {
        this(amount, percent, Optional.empty());
    }

    public static Canary of(Selector selector) {
        return new Canary(0, false, Optional.of(selector));
    }

    /** Reads the schema-valid forms: the schema has already refused anything else, with the field's path and line. */
    @JsonCreator
    public static Canary of(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> hostnames = map.get("hostnames") instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
            Map<String, String> attributes = new LinkedHashMap<>();
            if (map.get("attributes") instanceof Map<?, ?> given) {
                given.forEach((k, v) -> attributes.put(String.valueOf(k), String.valueOf(v)));
            }
            return of(new Selector(hostnames, attributes));
        }
        String text = String.valueOf(value).strip();
        return text.endsWith("%") ? new Canary(Integer.parseInt(text.substring(0, text.length() - 1)), true)
                : new Canary(Integer.parseInt(text), false);
    }

    @JsonValue
    public Object value() {
        return selector.<Object>map(Selector::value).orElse(percent ? amount + "%" : amount);
    }

    /** How many of {@code selected} agents form a counted wave (a selector's wave is whatever it matches). */
    public int of(int selected) {
        return Math.min(selected, percent ? (int) Math.ceil(selected * amount / 100.0) : amount);
    }

    @Override
    public String toString() {
        return selector.map(Selector::toString).orElse(String.valueOf(value()));
    }
}
