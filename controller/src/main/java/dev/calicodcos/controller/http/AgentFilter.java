package dev.calicodcos.controller.http;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.StepCell;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which agents a listing shows (the API's {@code phase}, {@code step} and {@code q}, the CLI's
 * {@code --phase} and {@code --step}); an agent must match all that is given. Pure.
 *
 * @param phases agents in one of these phases; empty: any phase
 * @param step   agents where one step stands so; empty: any
 * @param text   agents whose id, host name or message contains it, ignoring case; empty: any
 */
public record AgentFilter(Set<AgentPhase> phases, Optional<StepFilter> step, String text) {
    public static final AgentFilter ANY = new AgentFilter(Set.of(), Optional.empty(), "");

    public AgentFilter {
        phases = phases.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(phases));
        text = text.toLowerCase(Locale.ROOT);
    }

    /**
     * One step's phase: {@code cni:FAILED} (or a comma list, {@code cni:failed,applying}); a step
     * alone ({@code cni}) matches agents where that step is not settled yet, cell or no cell.
     *
     * @param phases empty: any phase but the settled ones ({@link StepPhase#settled()})
     */
    public record StepFilter(StepName step, Set<StepPhase> phases) {
        public StepFilter {
            phases = phases.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(phases));
        }

        /** Parses {@code <step>[:<phase>[,<phase>…]]}, names in any case; the message of the exception names what is wrong. */
        public static StepFilter parse(String text) {
            int colon = text.indexOf(':');
            String stepId = (colon < 0 ? text : text.substring(0, colon)).trim();
            StepName step = Arrays.stream(StepName.values()).filter(s -> s.id().equalsIgnoreCase(stepId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown step '" + stepId + "' (steps: "
                            + Arrays.stream(StepName.values()).map(StepName::id).collect(Collectors.joining(", ")) + ")"));
            return new StepFilter(step, colon < 0 ? Set.of() : names(text.substring(colon + 1), StepPhase.class, "step phase"));
        }

        boolean matches(AgentStatus agent) {
            StepCell cell = agent.steps().get(step);
            if (phases.isEmpty()) {
                return cell == null || !cell.phase().settled();
            }
            return cell != null && phases.contains(cell.phase());
        }

        String canonical() {
            return step.id() + ":" + sorted(phases);
        }
    }

    /** Parses a comma list of phase names in any case; the message of the exception names what is wrong. */
    public static Set<AgentPhase> parsePhases(String list) {
        return names(list, AgentPhase.class, "phase");
    }

    public boolean matches(AgentStatus agent) {
        return (phases.isEmpty() || phases.contains(agent.phase()))
                && step.map(s -> s.matches(agent)).orElse(true)
                && (text.isEmpty() || contains(agent.agentId()) || contains(agent.hostname()) || contains(agent.message()));
    }

    public boolean isAny() {
        return equals(ANY);
    }

    /** The same string for the same filter: what a continue token is bound to. */
    String canonical() {
        return sorted(phases) + "|" + step.map(StepFilter::canonical).orElse("") + "|" + text;
    }

    private boolean contains(String value) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(text);
    }

    private static <E extends Enum<E>> String sorted(Set<E> names) {
        return names.stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    private static <E extends Enum<E>> Set<E> names(String list, Class<E> type, String what) {
        Function<String, E> byName = name -> Arrays.stream(type.getEnumConstants())
                .filter(e -> e.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + name + "' (" + what + "s: "
                        + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")) + ")"));
        Set<E> names = EnumSet.noneOf(type);
        for (String name : list.split(",", -1)) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("an empty " + what + " name in '" + list + "'");
            }
            names.add(byName.apply(name.trim()));
        }
        return names;
    }
}
