package dev.calicodcos.e2e.bench;

import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.reconcilers.agent.NodeAgentConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one benchmark run measures, from system properties ({@code -Dbench.…} on the Maven command
 * line; docs/benchmarks.md lists them).
 *
 * @param edits        spec edits after convergence, each timed until the first plan at its revision (0: phase off)
 * @param idle         how long the converged controller idles while measured (empty: phase off)
 * @param phasesAt     the agent counts whose cases run the phases (empty: every case)
 * @param agentRecheck how often a simulated node agent re-reads its plan while a step is not settled (empty: never)
 * @param agentResync  how often it re-reads its plan when all is settled (empty: never)
 */
record BenchSettings(List<BenchCase> cases, int edits, Optional<Duration> idle, Set<Integer> phasesAt, String controllerHeap,
                     Optional<Duration> agentRecheck, Optional<Duration> agentResync) {

    /** Issue 11's cases: 1% of N at 1 s per wave, and K = 1 at 0.5 s. */
    static final String DEFAULT_CASES = "1000:1%:500ms:500ms,5000:1%:500ms:500ms,10000:1%:500ms:500ms,1000:1:250ms:250ms";
    static final String QUICK_CASES = "200:20:300ms:200ms";
    static final int DEFAULT_EDITS = 20;
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(5);
    private static final Pattern HEAP = Pattern.compile("^([0-9]+)([kmg]?)$");

    BenchSettings {
        cases = List.copyOf(cases);
        phasesAt = Set.copyOf(phasesAt);
        heapBytes(controllerHeap); // a bad size fails here, before any case runs
    }

    static BenchSettings fromSystemProperties() {
        return from(System::getProperty);
    }

    static BenchSettings from(Function<String, String> properties) {
        String cases = Optional.ofNullable(properties.apply("bench.cases"))
                .orElse(Boolean.parseBoolean(properties.apply("bench.quick")) ? QUICK_CASES : DEFAULT_CASES);
        return new BenchSettings(BenchCase.parseList(cases),
                edits(properties.apply("bench.edits")),
                switchedDuration("bench.idle", properties.apply("bench.idle"), DEFAULT_IDLE),
                agentCounts(properties.apply("bench.phasesAt")),
                Optional.ofNullable(properties.apply("bench.controllerHeap")).orElse("512m"),
                pacing("bench.agentRecheck", properties.apply("bench.agentRecheck"), NodeAgentConfig.DEFAULT_BUSY_RECHECK),
                pacing("bench.agentResync", properties.apply("bench.agentResync"), NodeAgentConfig.DEFAULT_RESYNC));
    }

    /** The controller's -Xmx in bytes (512m, 1g, 2048m, …). */
    long controllerHeapBytes() {
        return heapBytes(controllerHeap);
    }

    private static long heapBytes(String heap) {
        Matcher m = HEAP.matcher(heap.toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bench.controllerHeap must be an -Xmx size such as 512m or 1g: " + heap);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> amount << 10;
            case "m" -> amount << 20;
            case "g" -> amount << 30;
            default -> amount;
        };
    }

    boolean phasesFor(BenchCase c) {
        return phasesAt.isEmpty() || phasesAt.contains(c.agents());
    }

    /** The properties that reproduce this run. */
    String commandLine() {
        List<String> args = new ArrayList<>();
        args.add("-Dbench.cases=" + cases.stream().map(BenchCase::text).collect(Collectors.joining(",")));
        if (edits > 0) {
            args.add("-Dbench.edits=" + edits);
        }
        idle.ifPresent(d -> args.add("-Dbench.idle=" + Durations.format(d)));
        if (!phasesAt.isEmpty()) {
            args.add("-Dbench.phasesAt=" + phasesAt.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (!controllerHeap.equals("512m")) {
            args.add("-Dbench.controllerHeap=" + controllerHeap);
        }
        if (!agentRecheck.equals(Optional.of(NodeAgentConfig.DEFAULT_BUSY_RECHECK))) {
            args.add("-Dbench.agentRecheck=" + agentRecheck.map(Durations::format).orElse("off"));
        }
        if (!agentResync.equals(Optional.of(NodeAgentConfig.DEFAULT_RESYNC))) {
            args.add("-Dbench.agentResync=" + agentResync.map(Durations::format).orElse("off"));
        }
        return String.join(" ", args);
    }

    private static int edits(String text) {
        if (text == null || text.equals("false")) {
            return 0;
        }
        if (text.isEmpty() || text.equals("true")) {
            return DEFAULT_EDITS;
        }
        try {
            int edits = Integer.parseInt(text);
            if (edits >= 0) {
                return edits;
            }
        } catch (NumberFormatException e) {
            // falls through to the error naming the property
        }
        throw new IllegalArgumentException("bench.edits must be a number of edits ≥ 0 (or empty for " + DEFAULT_EDITS + "): " + text);
    }

    /** Absent or "false": off; present without a value (-Dbench.idle): the default; else a duration. */
    private static Optional<Duration> switchedDuration(String property, String text, Duration fallback) {
        if (text == null || text.equals("false")) {
            return Optional.empty();
        }
        if (text.isEmpty() || text.equals("true")) {
            return Optional.of(fallback);
        }
        return Optional.of(parseDuration(property, text));
    }

    /** Absent: the real node agent's default; "off": never. */
    private static Optional<Duration> pacing(String property, String text, Duration fallback) {
        if (text == null || text.isEmpty()) {
            return Optional.of(fallback);
        }
        return text.equals("off") ? Optional.empty() : Optional.of(parseDuration(property, text));
    }

    private static Duration parseDuration(String property, String text) {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new IllegalArgumentException("zero");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " must be a duration such as 500ms, 60s or 5m: " + text, e);
        }
    }

    private static Set<Integer> agentCounts(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        try {
            return Arrays.stream(text.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toSet());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench.phasesAt must list agent counts, e.g. 1000,10000: " + text, e);
        }
    }
}
