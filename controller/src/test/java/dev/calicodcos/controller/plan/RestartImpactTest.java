package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.plan.Workload.Containerizer;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The workload part of a RestartGranted event: what the restart stops on that agent, in words. */
class RestartImpactTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final List<Workload> WEB_API_BROKER_SPARK = List.of(
            new Workload("marathon", true, "web", Containerizer.DOCKER),
            new Workload("marathon", true, "api", Containerizer.DOCKER),
            new Workload("kafka", true, "broker-0", Containerizer.DOCKER),
            new Workload("marathon", true, "cron", Containerizer.MESOS),
            new Workload("spark", false, "driver", Containerizer.MESOS));

    private static String describe(StepName step, Optional<Boolean> liveRestore, Workloads workloads) {
        return RestartImpact.describe(step, "a1", report(liveRestore), workloads, NOW);
    }

    private static Workloads on(List<Workload> tasks) {
        return Workloads.listed(NOW, Map.of("a1", tasks, "a2", List.of(new Workload("marathon", true, "elsewhere", Containerizer.DOCKER))));
    }

    @Test
    void aDockerRestartStopsTheDockerTasksNamedByFramework() {
        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false), on(WEB_API_BROKER_SPARK)))
                .isEqualTo("; docker restart stops 3 running tasks of the Docker containerizer (2 of marathon: api, web; 1 of kafka: broker-0)");
    }

    @Test
    void withLiveRestoreTheDockerTasksKeepRunning() {
        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(true), on(WEB_API_BROKER_SPARK)))
                .isEqualTo("; live-restore on: 3 running tasks of the Docker containerizer (2 of marathon: api, web; 1 of kafka: broker-0)"
                        + " keep running");
    }

    @Test
    void anAgentThatDidNotReportLiveRestoreMayLoseItsDockerTasks() {
        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.empty(), on(WEB_API_BROKER_SPARK.subList(0, 1))))
                .isEqualTo("; docker restart stops up to 1 running task of the Docker containerizer (1 of marathon: web)"
                        + " (live-restore not reported)");
    }

    @Test
    void mesosContainerizerTasksAreNotDockers() {
        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false), on(WEB_API_BROKER_SPARK.subList(3, 5))))
                .isEqualTo("; no running Docker-containerizer tasks (2 running tasks of the Mesos containerizer not affected)");
    }

    @Test
    void anAgentWithoutWorkloadsSaysSo() {
        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false), on(List.of()))).isEqualTo("; no running workloads");
        assertThat(describe(StepName.CNI, Optional.empty(), Workloads.listed(NOW, Map.of()))).isEqualTo("; no running workloads");
    }

    @Test
    void aMesosAgentRestartDisruptsEveryTaskAndLosesThoseOfFrameworksThatDoNotCheckpoint() {
        assertThat(describe(StepName.CNI, Optional.of(true), on(WEB_API_BROKER_SPARK)))
                .isEqualTo("; Mesos agent restart disrupts up to 5 running tasks (3 of marathon: api, cron, web; 1 of kafka: broker-0;"
                        + " 1 of spark: driver), recovered when their framework checkpoints;"
                        + " 1 running task of frameworks without checkpointing (spark) will be lost");
        assertThat(describe(StepName.CNI, Optional.empty(), on(WEB_API_BROKER_SPARK.subList(0, 2))))
                .isEqualTo("; Mesos agent restart disrupts up to 2 running tasks (2 of marathon: api, web), recovered when their"
                        + " framework checkpoints");
    }

    @Test
    void aFailedLookupSaysWhyAndTheGrantStandsAlone() {
        Workloads failed = Workloads.unknown(NOW, "GET /master/frameworks answered more than 67108864 bytes (64 MiB), the limit set for it");

        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false), failed))
                .isEqualTo("; workloads unknown: GET /master/frameworks answered more than 67108864 bytes (64 MiB), the limit set for it");
        assertThat(describe(StepName.CNI, Optional.of(false), Workloads.notLookedUp())).isEqualTo("; workloads unknown: not looked up");
    }

    @Test
    void manyTasksAreCountedButOnlyFiveNamedAndThreeFrameworks() {
        List<Workload> many = new java.util.ArrayList<>();
        IntStream.range(0, 40).forEach(i -> many.add(new Workload("marathon", true, String.format("app-%02d", i), Containerizer.DOCKER)));
        IntStream.range(0, 3).forEach(i -> many.add(new Workload("kafka", true, "broker-" + i, Containerizer.DOCKER)));
        many.add(new Workload("cassandra", true, "node-0", Containerizer.DOCKER));
        many.add(new Workload("elastic", true, "data-0", Containerizer.DOCKER));
        many.add(new Workload("hdfs", true, "name-0", Containerizer.DOCKER));

        String text = describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false), on(many));

        assertThat(text).isEqualTo("; docker restart stops 46 running tasks of the Docker containerizer (40 of marathon: app-00, app-01,"
                + " app-02, app-03, app-04 and 35 more; 3 of kafka; 1 of cassandra; 2 of 2 more frameworks)");
    }

    @Test
    void aLongTaskNameIsShortened() {
        String name = "x".repeat(200);

        String text = describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false),
                on(List.of(new Workload("marathon", true, name, Containerizer.DOCKER))));

        assertThat(text).contains("x".repeat(47) + "…").doesNotContain("x".repeat(48));
    }

    @Test
    void aListingOlderThanTenSecondsIsDated() {
        Workloads older = Workloads.listed(NOW.minusSeconds(25), Map.of("a1", WEB_API_BROKER_SPARK.subList(0, 1)));

        assertThat(describe(StepName.DOCKER_CLUSTER_STORE, Optional.of(false), older))
                .endsWith("(1 of marathon: web) (as listed by the Mesos master 25 s earlier)");
    }

    @Test
    void theEtcdProxyAndTheCalicoContainersStopNoTask() {
        Workloads failed = Workloads.unknown(NOW, "connection refused");

        assertThat(describe(StepName.ETCD_PROXY, Optional.empty(), failed)).isEqualTo("; only the etcd proxy restarts: no task stops");
        assertThat(describe(StepName.NODE, Optional.empty(), failed)).startsWith("; the calico/node container is replaced: no task stops");
        assertThat(describe(StepName.LIBNETWORK, Optional.empty(), failed)).contains("no task stops");
    }

    @Test
    void onlyDockerAndMesosAgentRestartsNeedTheWorkloads() {
        assertThat(RestartImpact.awaitsDisruptiveRestart(waiting(StepName.DOCKER_CLUSTER_STORE))).isTrue();
        assertThat(RestartImpact.awaitsDisruptiveRestart(waiting(StepName.CNI))).isTrue();
        assertThat(RestartImpact.awaitsDisruptiveRestart(waiting(StepName.ETCD_PROXY))).isFalse();
        assertThat(RestartImpact.awaitsDisruptiveRestart(waiting(StepName.NODE))).isFalse();
        assertThat(RestartImpact.awaitsDisruptiveRestart(report(Optional.empty()))).as("nothing waits").isFalse();
        assertThat(RestartImpact.awaitsDisruptiveRestart(null)).isFalse();
    }

    private static AgentReport report(Optional<Boolean> liveRestore) {
        return report(liveRestore, null);
    }

    private static AgentReport waiting(StepName step) {
        return report(Optional.empty(), step);
    }

    private static AgentReport report(Optional<Boolean> liveRestore, StepName waiting) {
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            StepPhase phase = step == waiting ? StepPhase.AWAITING_RESTART : StepPhase.DONE;
            steps.put(step, new StepReport(phase, "h", Optional.of("h"), Optional.empty(), phase.name(), NOW));
        }
        return new AgentReport("a1", "test", 1, new AgentFacts("a1", Optional.empty(), Optional.of("20.10.7"), Optional.empty(),
                Optional.empty(), false, false, liveRestore), List.of(), steps, NOW);
    }
}
