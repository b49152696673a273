package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.plan.Forecast;
import dev.calicodcos.model.spec.StepName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Renders a {@link Forecast} as {@code calico-dcos diff} prints it: a summary whose size does not
 * grow with the cluster, then a table of at most {@code max} agents, disruptive ones first. Pure.
 */
final class ForecastText {
    private ForecastText() {}

    static String render(Forecast forecast, int max) {
        StringBuilder out = new StringBuilder();
        out.append("forecast for the ").append(forecast.selected()).append(forecast.selected() == 1 ? " selected agent" : " selected agents")
                .append(", from their last reports:\n");
        out.append("  ").append(summary(forecast)).append('\n');
        notCounted(forecast).ifPresent(line -> out.append("  ").append(line).append('\n'));
        if (forecast.selectorChanged()) {
            out.append("  agents.roles or agents.attributes change: agents the new selector adds or drops are not forecast\n");
        }
        out.append("  ").append(budget(forecast)).append('\n');
        List<Forecast.Agent> agents = forecast.agents();
        if (agents.isEmpty() || max == 0) {
            return out.toString();
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("AGENT", "HOST", "IP", "RERUNS", "DISRUPTIVE"));
        agents.stream().limit(max).forEach(a -> rows.add(List.of(a.agentId(), a.hostname().isEmpty() ? "-" : a.hostname(),
                a.ip().orElse("-"), steps(a), disruptions(a))));
        out.append('\n').append(columns(rows));
        if (agents.size() > max) {
            out.append("… and ").append(agents.size() - max).append(" more; `diff --agents` lists every agent\n");
        }
        return out.toString();
    }

    /** {@code 12 agents rerun cni; 3 will restart docker (Docker 20.10); 12 will replace calico/node}. */
    static String summary(Forecast forecast) {
        List<String> parts = new ArrayList<>();
        for (StepName step : StepName.values()) {
            Integer n = forecast.reruns().get(step);
            if (n != null) {
                String verb = (forecast.removals().containsKey(step) ? "remove" : "rerun") + (n == 1 ? "s " : " ");
                String subject = parts.isEmpty() ? (n == 1 ? " agent " : " agents ") : " ";
                parts.add(n + subject + verb + step.id());
            }
        }
        if (parts.isEmpty()) {
            return "no agent reruns a step";
        }
        for (Forecast.Count count : forecast.effects()) {
            parts.add(count.agents() + " will " + count.effect().phrase()
                    + (count.versions().isEmpty() ? "" : " (" + String.join(", ", count.versions()) + ")"));
        }
        return String.join("; ", parts);
    }

    private static Optional<String> notCounted(Forecast forecast) {
        List<String> parts = new ArrayList<>();
        if (!forecast.newlyExcluded().isEmpty()) {
            parts.add(forecast.newlyExcluded().size() + " newly excluded (Calico is removed there)");
        }
        if (!forecast.notReporting().isEmpty()) {
            parts.add(forecast.notReporting().size() + " not reporting (they rerun too; effects unknown)");
        }
        if (!forecast.blocked().isEmpty()) {
            parts.add(forecast.blocked().size() + " blocked (nothing runs there)");
        }
        if (!forecast.outsideSelector().isEmpty()) {
            parts.add(forecast.outsideSelector().size() + " outside the selector");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of("not counted: " + String.join("; ", parts));
    }

    private static String budget(Forecast forecast) {
        String limit = "at most " + forecast.maxConcurrentRestarts() + " at once (rollout.maxConcurrentRestarts = "
                + forecast.maxConcurrentRestarts() + ")";
        if (forecast.disruptiveActions() == 0) {
            return "restarts: none needed; " + limit;
        }
        return "restarts: " + limit + ": at least " + forecast.minWaves() + (forecast.minWaves() == 1 ? " wave" : " waves")
                + " (" + forecast.disruptiveActions() + " disruptive " + (forecast.disruptiveActions() == 1 ? "step" : "steps")
                + " on " + forecast.disruptiveAgents() + (forecast.disruptiveAgents() == 1 ? " agent" : " agents") + ")";
    }

    private static String steps(Forecast.Agent agent) {
        return agent.reruns().stream().map(s -> agent.removals().contains(s) ? s.id() + " (remove)" : s.id())
                .collect(Collectors.joining(", "));
    }

    private static String disruptions(Forecast.Agent agent) {
        List<Forecast.Action> disruptive = agent.disruptiveActions();
        return disruptive.isEmpty() ? "-" : disruptive.stream().map(Forecast.Action::describe).collect(Collectors.joining(", "));
    }

    /** Left-aligned columns, two spaces apart; the last one unpadded. */
    private static String columns(List<List<String>> rows) {
        int[] width = IntStream.range(0, rows.get(0).size())
                .map(i -> rows.stream().mapToInt(r -> r.get(i).length()).max().orElse(0)).toArray();
        return rows.stream().map(row -> IntStream.range(0, row.size())
                        .mapToObj(i -> i == row.size() - 1 ? row.get(i) : row.get(i) + " ".repeat(width[i] - row.get(i).length() + 2))
                        .collect(Collectors.joining()))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
