package dev.calicodcos.controller.http;

import dev.calicodcos.model.status.AgentStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One request of {@code /api/v1/agents}, listed the way Kubernetes lists: a filter, a page size
 * ({@code limit}) and an opaque {@code continue} token from the previous page, which holds the
 * position where that page stopped (and the filter it was issued for). Pure.
 */
public record AgentQuery(AgentFilter filter, int limit, Optional<AgentOrder.Position> after) {
    public static final int DEFAULT_LIMIT = 500;
    public static final int MAX_LIMIT = 1_000;
    static final List<String> PARAMETERS = List.of("phase", "step", "q", "limit", "continue");

    /** A parameter the request got wrong; the message starts with its name. */
    public static final class BadParameter extends IllegalArgumentException {
        private final String parameter;

        BadParameter(String parameter, String message) {
            super(parameter + ": " + message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    /**
     * Reads a raw (still URL-encoded) query string, null for none. A parameter given empty is not
     * given; an unknown or repeated one is an error, so a typo never silently lists everything.
     */
    public static AgentQuery parse(String rawQuery) {
        Map<String, String> params = parameters(rawQuery);
        AgentFilter filter = new AgentFilter(
                given(params, "phase").map(p -> guarded("phase", () -> AgentFilter.parsePhases(p))).orElse(Set.of()),
                given(params, "step").map(s -> guarded("step", () -> AgentFilter.StepFilter.parse(s))),
                given(params, "q").orElse(""));
        int limit = given(params, "limit").map(AgentQuery::limit).orElse(DEFAULT_LIMIT);
        Optional<AgentOrder.Position> after = given(params, "continue")
                .map(token -> guarded("continue", () -> ContinueToken.decode(token, filter)));
        return new AgentQuery(filter, limit, after);
    }

    /** The page of {@code agents} this query asks for, in {@link AgentOrder}. */
    public AgentPage page(Collection<AgentStatus> agents) {
        List<AgentStatus> matching = agents.stream().filter(filter::matches).toList();
        List<AgentStatus> rest = matching.stream().filter(a -> after.map(p -> p.isBefore(a)).orElse(true))
                .sorted(AgentOrder.AGENTS).toList();
        if (rest.size() <= limit) {
            return new AgentPage(rest, null, matching.size());
        }
        List<AgentStatus> items = rest.subList(0, limit);
        return new AgentPage(items, ContinueToken.encode(filter, AgentOrder.Position.of(items.get(limit - 1))), matching.size());
    }

    private static int limit(String value) {
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParameter("limit", "'" + value + "' is not a number");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadParameter("limit", limit + " is out of range (1 to " + MAX_LIMIT + ")");
        }
        return limit;
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
            if (!PARAMETERS.contains(name)) {
                throw new BadParameter(name, "unknown parameter (parameters: " + String.join(", ", PARAMETERS) + ")");
            }
            if (params.put(name, value) != null) {
                throw new BadParameter(name, "given twice (phase takes a comma list: phase=failed,blocked)");
            }
        }
        return params;
    }

    private static String decode(String raw, String what) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(what, "bad URL encoding in '" + raw + "'");
        }
    }

    private static Optional<String> given(Map<String, String> params, String name) {
        return Optional.ofNullable(params.get(name)).filter(v -> !v.isBlank());
    }

    private static <T> T guarded(String parameter, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new BadParameter(parameter, e.getMessage());
        }
    }
}
