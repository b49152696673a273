package dev.calicodcos.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.e2e.bench.CaseResult.RolloutFigures;
import dev.calicodcos.testkit.EtcdServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Convergence of N agents against its lower bound ⌈N/K⌉·(restart + stability), and what the
 * controller spends on it, for the cases given on the command line ({@code -Dbench.cases}, see
 * {@link BenchSettings} and docs/benchmarks.md). Each case gets a fresh etcd, the real controller as
 * its own process, a simulated Mesos master listing the agents and in-process node agents
 * ({@link BenchNodeAgents}). Writes {@code benchmark-reports/convergence.md} after every case. Not a
 * timed test: run it on purpose (docs/benchmarks.md has the command).
 *
 * <p>Missing a goal, even not converging, is a figure, not a failure. The test fails only when the
 * budget was broken (more than K restarts at once), when a rollout beat its lower bound (a harness
 * bug), or when a case could not be run at all.
 */
@Tag("benchmark")
class ConvergenceBenchmark {

    @Test
    void convergenceAgainstTheLowerBound() throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        Path projectDir = Path.of(System.getProperty("calico.dcos.projectDir", "../.."));
        Path reportDir = Files.createDirectories(projectDir.resolve("benchmark-reports"));
        Path jar = projectDir.resolve("controller").resolve("target").resolve("calico-dcos.jar");
        assertThat(jar).as("the controller's jar (the reactor builds it before src/test)").exists();
        Path report = reportDir.resolve("convergence.md");
        List<CaseResult> results = new ArrayList<>();
        Machine machine = null;
        for (int i = 0; i < settings.cases().size(); i++) {
            try (EtcdServer etcd = EtcdServer.start()) {
                machine = machine != null ? machine : Machine.here(etcd.endpoint(), projectDir);
                results.add(new CaseRun(etcd, settings, settings.cases().get(i), "/bench-" + i, reportDir, jar).run());
            }
            // What has been measured survives a later case's failure.
            Files.writeString(report, BenchReport.render(settings, machine, settings.controllerHeapBytes(), results));
        }
        assertThat(results).allSatisfy(r -> {
            assertThat(r.maxConcurrent()).as("restarts at once in %s (K = %d), from the node agents' records", r.c().text(), r.c().budget())
                    .isLessThanOrEqualTo(r.c().budget());
            r.rollout().flatMap(RolloutFigures::convergence).ifPresent(convergence ->
                    assertThat(convergence).as("%s cannot beat its lower bound", r.c().text()).isGreaterThanOrEqualTo(r.c().lowerBound()));
            assertThat(r.outcome()).as("%s could not be run: %s", r.c().text(), r.detail()).isNotEqualTo(CaseResult.Outcome.FAILED);
        });
    }
}
