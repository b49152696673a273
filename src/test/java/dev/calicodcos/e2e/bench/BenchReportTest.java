package dev.calicodcos.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.e2e.bench.CaseResult.EditFigures;
import dev.calicodcos.e2e.bench.CaseResult.IdleFigures;
import dev.calicodcos.e2e.bench.CaseResult.Outcome;
import dev.calicodcos.e2e.bench.CaseResult.RolloutFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static final long MIB = 1024 * 1024;
    private static final Machine MACHINE = new Machine(2, "8 GiB", "Linux", "OpenJDK 17", "3.4.23", "abc123", Instant.EPOCH);
    private static final BenchSettings SETTINGS = BenchSettings.from(Map.of("bench.cases", "1000:10:500ms:500ms")::get);

    /** A rollout window: {@code seconds} long, the controller busy {@code passSeconds} of it. */
    private static Snapshot.Window window(double seconds, double controllerCpu, double passSeconds, double controllerRequests,
                                          long nodeGets, long nodePuts) {
        return new Snapshot.Window(Duration.ofMillis((long) (seconds * 1000)), controllerCpu, Map.of("list", controllerRequests),
                100, passSeconds, 0, 1, 1000, 2000, 4_000_000, 8_000_000, 1, controllerCpu + 2, new BenchNodeAgents.Counts(nodeGets, nodePuts, 0), 3000);
    }

    private static CaseResult converged(BenchCase c, Duration convergence, Snapshot.Window w) {
        return new CaseResult(c, Outcome.CONVERGED, "", Optional.of(new RolloutFigures(Optional.of(convergence),
                Optional.of(Duration.ofMillis(40)), Optional.of(convergence.minusMillis(30)), w, 100 * MIB, 1.0)),
                Optional.empty(), Optional.empty(), c.budget(), c.agents(), List.of(), Optional.empty());
    }

    @Test
    void aCaseThatMeetsEveryGoalShowsEachFigureBesideItsGoalWithoutAMissMark() {
        BenchCase c = BenchCase.parse("1000:10:500ms:500ms");
        CaseResult r = converged(c, Duration.ofMillis(104_000), window(104, 2.0, 10, 3000, 1000, 3000));

        String md = BenchReport.render(SETTINGS, MACHINE, 512 * MIB, List.of(r));

        assertThat(md).contains("| 1000 | 10 | 500 ms + 500 ms | 100.0 s | 104.0 s | 1.04 (≤ 1.10) | 2.0 s | 2.00 ms | 3.0 | 4.0 | 10 | 100 MiB |");
        assertThat(Goals.missed(r)).isEmpty();
        assertThat(md.lines().filter(line -> line.startsWith("| 1000 "))).noneMatch(line -> line.contains("✗"));
        assertThat(md).doesNotContain("goals missed").doesNotContain("what broke first").doesNotContain("†");
        assertThat(md).contains("Command: `-Dbench.cases=1000:10:500ms:500ms`").contains("2 cores");
    }

    @Test
    void aSlowRolloutIsMarkedAndTheBusyLoopIsNamedAsWhatBrokeFirst() {
        BenchCase c = BenchCase.parse("1000:10:500ms:500ms");
        CaseResult r = converged(c, Duration.ofMillis(160_000), window(160, 150, 155, 9000, 26_000, 3000));

        String md = BenchReport.render(SETTINGS, MACHINE, 512 * MIB, List.of(r));

        assertThat(md).contains("1.60 (≤ 1.10) ✗").contains("150.00 ms ✗").contains("9.0 ✗").contains("29.0 ✗");
        assertThat(Goals.missed(r)).hasSize(4);
        assertThat(Diagnosis.of(r, 2, 512 * MIB)).anySatisfy(line -> assertThat(line).startsWith("reconcile loop busy 97 %"))
                .anySatisfy(line -> assertThat(line).contains("controller CPU-bound: 0.94 cores"))
                .anySatisfy(line -> assertThat(line).contains("600 ms lost per wave"))
                .anySatisfy(line -> assertThat(line).contains("26.0 plan reads + 3.0 report writes per agent"));
    }

    @Test
    void aCaseThatDidNotConvergeSaysSoWithTheControllersStatusAndItsFirstError() {
        BenchCase c = BenchCase.parse("2000:100:500ms:500ms");
        CaseResult r = new CaseResult(c, Outcome.DID_NOT_CONVERGE, "did not converge within 120.0 s; last status: Ready=False",
                Optional.of(new RolloutFigures(Optional.empty(), Optional.empty(), Optional.empty(), window(120, 30, 40, 500, 2000, 2000), 400 * MIB, 1.0)),
                Optional.empty(), Optional.empty(), 0, 0,
                List.of("40× ERROR c.l.ReconcileLoop pass failed: RESOURCE_EXHAUSTED: gRPC message exceeds maximum size"), Optional.empty());

        String md = BenchReport.render(SETTINGS, MACHINE, 512 * MIB, List.of(r));

        assertThat(md).contains("did not converge in 120.0 s ✗").contains("† measured until the timeout")
                .contains("last status: Ready=False").contains("RESOURCE_EXHAUSTED");
        assertThat(Diagnosis.of(r, 2, 512 * MIB).get(1)).startsWith("controller log, first trouble: 40× ERROR");
    }

    @Test
    void editAndIdlePhasesHaveTablesOfTheirOwnAgainstTheirGoals() {
        BenchCase c = BenchCase.parse("1000:10:500ms:500ms");
        List<Duration> plans = IntStream.rangeClosed(1, 20).mapToObj(i -> Duration.ofMillis(i * 60L)).toList();
        CaseResult r = new CaseResult(c, Outcome.CONVERGED, "", Optional.empty(),
                Optional.of(new IdleFigures(window(60, 6, 0.5, 120, 2000, 0), 300 * MIB, 400 * MIB, Optional.empty())),
                Optional.of(new EditFigures(20, plans, plans, window(30, 4, 2, 100, 0, 4000), Optional.empty())), 10, 1000, List.of(), Optional.empty());

        String md = BenchReport.render(SETTINGS, MACHINE, 512 * MIB, List.of(r));

        assertThat(md).contains("| 1000 | 20 | 600 ms | 1200 ms ✗ | 1200 ms | 600 ms | 1200 ms | 100 | 0.19 | 0.20 s |");
        assertThat(md).contains("| 1000 | 60.0 s | 10.00 % ✗ | 300 MiB | 400 MiB | 0.00 |");
        assertThat(Goals.missed(r)).containsExactly("spec edit → first plan p99 1200 ms (goal < 1 s)",
                "idle controller CPU 10.0 % of a core (goal < 5 %)");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Duration> samples = IntStream.rangeClosed(1, 20).mapToObj(i -> Duration.ofMillis(i)).toList();

        assertThat(Goals.percentile(samples, 50)).contains(Duration.ofMillis(10));
        assertThat(Goals.percentile(samples, 99)).contains(Duration.ofMillis(20));
        assertThat(Goals.percentile(List.of(), 99)).isEmpty();
    }
}
