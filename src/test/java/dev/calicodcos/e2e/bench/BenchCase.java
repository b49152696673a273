package dev.calicodcos.e2e.bench;

import dev.calicodcos.model.codec.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark case: N agents rolled with at most K concurrent restarts, each restart taking
 * {@code restart} and then {@code stability}.
 *
 * @param budgetText K as given ({@code 10} or {@code 1%}), for the report
 */
record BenchCase(int agents, int budget, String budgetText, Duration restart, Duration stability) {
    private static final Pattern PERCENT = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)%$");

    BenchCase {
        if (agents < 1 || budget < 1) {
            throw new IllegalArgumentException("agents and budget must be at least 1: " + agents + ":" + budget);
        }
    }

    /** The time the restart budget alone forces: ⌈N/K⌉·(restart + stability). */
    Duration lowerBound() {
        int waves = (agents + budget - 1) / budget;
        return wave().multipliedBy(waves);
    }

    /** S, one restart plus its stability period. */
    Duration wave() {
        return restart.plus(stability);
    }

    /** How long the rollout may take before it is recorded as "did not converge". */
    Duration timeout() {
        return lowerBound().multipliedBy(3).plusSeconds(60);
    }

    /** Issue 11's goal for convergence / lower bound: 1.05 with K = 1, 1.10 otherwise. */
    double ratioGoal() {
        return budget == 1 ? 1.05 : 1.10;
    }

    /** {@code N:K:restart:stability}, as written on the command line. */
    String text() {
        return agents + ":" + budgetText + ":" + Durations.format(restart) + ":" + Durations.format(stability);
    }

    /**
     * Parses {@code N:K:restart:stability[,...]}, e.g. {@code 1000:10:500ms:500ms,10000:1%:500ms:500ms}.
     * K is a count or a percentage of N (rounded down, at least 1); times as in specs (500ms, 1s, 2m).
     */
    static List<BenchCase> parseList(String text) {
        List<BenchCase> cases = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) {
                cases.add(parse(entry.trim()));
            }
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("bench.cases: no case given (expected N:K:restart:stability, e.g. 1000:10:500ms:500ms)");
        }
        return List.copyOf(cases);
    }

    static BenchCase parse(String entry) {
        String[] parts = entry.split(":");
        if (parts.length != 4) {
            throw new IllegalArgumentException("bench.cases entry '" + entry + "': expected N:K:restart:stability, e.g. 1000:10:500ms:500ms");
        }
        int agents = positive(entry, "N (agents)", parts[0]);
        int budget = budget(entry, agents, parts[1]);
        return new BenchCase(agents, budget, parts[1], duration(entry, "restart", parts[2]), duration(entry, "stability", parts[3]));
    }

    private static int budget(String entry, int agents, String text) {
        Matcher percent = PERCENT.matcher(text);
        if (percent.matches()) {
            double share = Double.parseDouble(percent.group(1));
            if (share <= 0 || share > 100) {
                throw new IllegalArgumentException("bench.cases entry '" + entry + "': K must be a percentage in (0, 100]: " + text);
            }
            return Math.max(1, (int) Math.floor(agents * share / 100));
        }
        return positive(entry, "K (max concurrent restarts, a count or a percentage such as 1%)", text);
    }

    private static int positive(String entry, String field, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the error naming the field
        }
        throw new IllegalArgumentException("bench.cases entry '" + entry + "': " + field + " must be a whole number ≥ 1: " + text);
    }

    private static Duration duration(String entry, String field, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bench.cases entry '" + entry + "': " + field + " " + e.getMessage(), e);
        }
    }
}
