package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.plan.Forecast.Action;
import dev.calicodcos.controller.plan.Forecast.Effect;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DisruptionForecastTest {
    private static final StepHashes HASHES = new StepHashes(new SpecCodec());
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    /** Agents planned from {@code current}, each reporting every step DONE unless told otherwise. */
    private final CalicoClusterSpec current = spec("");
    private final Map<String, AgentPlan> plans = new HashMap<>();
    private final Map<String, AgentReport> reports = new HashMap<>();
    private final Map<String, String> hostnames = new HashMap<>();

    private static CalicoClusterSpec spec(String yaml) {
        return Specs.parse(Specs.withSpec(yaml)).spec();
    }

    private void planned(String agentId) {
        plans.put(agentId, new AgentPlan(agentId, 10, HASHES.of(current), Optional.empty(), false, false));
    }

    /** A planned agent reporting; {@code docker} and {@code mesos} may be null (not found on the host). */
    private void reporting(String agentId, String docker, String mesos, Object... phaseOverrides) {
        planned(agentId);
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            steps.put(step, new StepReport(StepPhase.DONE, "d", Optional.of("d"), Optional.empty(), "done", T0));
        }
        for (int i = 0; i < phaseOverrides.length; i += 2) {
            steps.put((StepName) phaseOverrides[i], new StepReport((StepPhase) phaseOverrides[i + 1], "d", Optional.empty(),
                    Optional.empty(), "", T0));
        }
        AgentFacts facts = new AgentFacts(agentId + "-node", Optional.of("10.0.0." + (reports.size() + 1)),
                Optional.ofNullable(docker), Optional.ofNullable(mesos), Optional.empty(), false, false);
        reports.put(agentId, new AgentReport(agentId, "test", 10, facts, List.of(), steps, T0));
    }

    private Forecast forecast(CalicoClusterSpec wanted) {
        return DisruptionForecast.of(new DisruptionForecast.Input(Optional.of(current), wanted, HASHES.of(wanted), plans, reports,
                hostnames));
    }

    private static List<Action> actionsOf(Forecast forecast, String agentId) {
        return forecast.agents().stream().filter(a -> a.agentId().equals(agentId)).findFirst().orElseThrow().actions();
    }

    @ParameterizedTest(name = "Docker {0}, applyMethod {1}: {2} ({3})")
    @CsvSource(nullValues = "none", value = {
            "17.03.2-ce, reload,  RELOAD_DOCKER,                Docker 17.03",
            "18.09.1,    reload,  RELOAD_DOCKER,                Docker 18.09",
            "20.10.24,   reload,  RESTART_DOCKER,               Docker 20.10",
            "17.03.2-ce, restart, RESTART_DOCKER,               Docker 17.03",
            "24.0.5,     reload,  DOCKER_WITHOUT_CLUSTER_STORE, Docker 24.0",
            "none,       reload,  RESTART_DOCKER,               Docker version unknown"})
    void aChangedClusterStoreReloadsOrRestartsDockerByVersion(String docker, String applyMethod, Effect effect, String shown) {
        reporting("a1", docker, "1.10.0");

        Forecast forecast = forecast(spec("dockerClusterStore:\n  clusterStore: etcd://10.0.0.9:2379\n  applyMethod: " + applyMethod));

        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.DOCKER_CLUSTER_STORE, 1));
        assertThat(actionsOf(forecast, "a1")).containsExactly(new Action(StepName.DOCKER_CLUSTER_STORE, effect, Optional.of(shown)));
        assertThat(forecast.disruptiveAgents()).isEqualTo(effect.disruptive() ? 1 : 0);
    }

    @Test
    void onlyTheApplyMethodChangingLeavesDaemonJsonAndDockerAlone() {
        reporting("a1", "20.10.24", "1.10.0");

        Forecast forecast = forecast(spec("dockerClusterStore:\n  applyMethod: restart"));

        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.DOCKER_CLUSTER_STORE, 1));
        assertThat(actionsOf(forecast, "a1")).isEmpty();
        assertThat(forecast.disruptiveActions()).isZero();
    }

    @ParameterizedTest(name = "Mesos {0}, agentRestart {1}: restart {2}")
    @CsvSource(nullValues = "none", value = {
            "1.0.3,  auto,   true",
            "1.1.0,  auto,   true",
            "1.2.0,  auto,   false",
            "1.10.0, auto,   false",
            "none,   auto,   false",
            "1.10.0, always, true",
            "1.0.3,  never,  false"})
    void aChangedCniConfigRestartsTheMesosAgentOnlyWhereItNeedsIt(String mesos, String agentRestart, boolean restart) {
        reporting("a1", "20.10.24", mesos);

        Forecast forecast = forecast(spec("cni:\n  mtu: 1400\n  agentRestart: " + agentRestart));

        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.CNI, 1));
        assertThat(actionsOf(forecast, "a1")).isEqualTo(restart
                ? List.of(new Action(StepName.CNI, Effect.RESTART_MESOS_AGENT, Optional.ofNullable(mesos).map(v -> "Mesos "
                        + DisruptionForecast.majorMinor(v))))
                : List.of());
    }

    @Test
    void agentRestartAlwaysAloneChangesNoFileSoRestartsNothing() {
        reporting("a1", "20.10.24", "1.0.3");

        Forecast forecast = forecast(spec("cni:\n  agentRestart: always"));

        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.CNI, 1));
        assertThat(forecast.disruptiveActions()).isZero();
    }

    @Test
    void mesosOneZeroAndOneTenAgentsDifferOnACniChange() {
        reporting("old", "20.10.24", "1.0.3");
        reporting("new", "20.10.24", "1.10.0");

        Forecast forecast = forecast(spec("cni:\n  logLevel: DEBUG"));

        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.CNI, 2));
        assertThat(forecast.effects()).containsExactly(new Forecast.Count(Effect.RESTART_MESOS_AGENT, 1, List.of("Mesos 1.0")));
        assertThat(forecast.agents()).extracting(Forecast.Agent::agentId).containsExactly("old", "new"); // disruptive first
    }

    @Test
    void aNewNodeImageReplacesRunningContainersAndStartsMissingOnes() {
        reporting("running", "20.10.24", "1.10.0");
        reporting("missing", "20.10.24", "1.10.0", StepName.NODE, StepPhase.FAILED);

        Forecast forecast = forecast(spec("node:\n  image: calico/node:v2.6.13"));

        assertThat(actionsOf(forecast, "running")).containsExactly(new Action(StepName.NODE, Effect.REPLACE_NODE, Optional.empty()));
        assertThat(actionsOf(forecast, "missing")).isEmpty();
        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.NODE, 2));
    }

    @Test
    void aChangedProxyRestartsItOnlyWhereItRuns() {
        reporting("running", "20.10.24", "1.10.0");
        reporting("stopped", "20.10.24", "1.10.0", StepName.ETCD_PROXY, StepPhase.FAILED);

        Forecast forecast = forecast(spec("etcdProxy:\n  listenAddress: 127.0.0.1:2380"));

        assertThat(forecast.effects()).containsExactly(new Forecast.Count(Effect.RESTART_ETCD_PROXY, 1, List.of()));
        assertThat(actionsOf(forecast, "stopped")).isEmpty();
    }

    @Test
    void turningNodeOffRemovesTheRunningContainer() {
        reporting("a1", "20.10.24", "1.10.0");

        Forecast forecast = forecast(spec("node:\n  enabled: false"));

        assertThat(forecast.removals()).isEqualTo(Map.of(StepName.NODE, 1));
        assertThat(actionsOf(forecast, "a1")).containsExactly(new Action(StepName.NODE, Effect.REMOVE_NODE, Optional.empty()));
    }

    @Test
    void agentsNotReportingBlockedOrOutsideTheSelectorAreCountedApart() {
        reporting("a1", "20.10.24", "1.0.3");
        planned("silent");
        reporting("blocked", "20.10.24", "1.10.0");
        AgentReport b = reports.get("blocked");
        reports.put("blocked", new AgentReport("blocked", "test", 10, b.facts(), List.of("DC/OS ships its own Calico"), b.steps(), T0));
        reporting("deselected", "20.10.24", "1.0.3");
        plans.put("deselected", new AgentPlan("deselected", 10, HASHES.of(current), Optional.empty(), false, true));
        reporting("unplanned", "20.10.24", "1.0.3");
        plans.remove("unplanned");

        Forecast forecast = forecast(spec("cni:\n  mtu: 1400"));

        assertThat(forecast.selected()).isEqualTo(3);
        assertThat(forecast.notReporting()).containsExactly("silent");
        assertThat(forecast.blocked()).containsExactly("blocked");
        assertThat(forecast.outsideSelector()).containsExactly("deselected", "unplanned");
        assertThat(forecast.agents()).extracting(Forecast.Agent::agentId).containsExactly("a1");
        assertThat(forecast.reruns()).isEqualTo(Map.of(StepName.CNI, 1));
    }

    @Test
    void anAgentTheNewSpecExcludesByHostnameIsNewlyExcludedNotForecast() {
        reporting("a1", "20.10.24", "1.0.3");
        reporting("a2", "20.10.24", "1.0.3");
        hostnames.put("a2", "a2.example.com");

        Forecast forecast = forecast(spec("agents:\n  exclude: [a2.example.com]\ncni:\n  mtu: 1400"));

        assertThat(forecast.newlyExcluded()).containsExactly("a2");
        assertThat(forecast.agents()).extracting(Forecast.Agent::agentId).containsExactly("a1");
        assertThat(forecast.selectorChanged()).isFalse();
    }

    @Test
    void aChangedRoleListIsFlaggedAsNotForecast() {
        reporting("a1", "20.10.24", "1.10.0");

        assertThat(forecast(spec("agents:\n  roles: ['*']")).selectorChanged()).isTrue();
    }

    @Test
    void wavesAreDisruptiveStepsOverTheBudgetRoundedUp() {
        reporting("a1", "20.10.24", "1.0.3");
        reporting("a2", "20.10.24", "1.10.0");
        reporting("a3", "24.0.5", "1.10.0");

        Forecast forecast = forecast(spec("""
                rollout:
                  maxConcurrentRestarts: 2
                dockerClusterStore:
                  clusterStore: etcd://10.0.0.9:2379
                cni:
                  mtu: 1400
                """));

        // a1: docker + Mesos agent; a2: docker; a3: Docker 24 has no store, Mesos 1.10 needs no restart.
        assertThat(forecast.disruptiveAgents()).isEqualTo(2);
        assertThat(forecast.disruptiveActions()).isEqualTo(3);
        assertThat(forecast.maxConcurrentRestarts()).isEqualTo(2);
        assertThat(forecast.minWaves()).isEqualTo(2);
        assertThat(forecast.effects()).containsExactly(
                new Forecast.Count(Effect.RESTART_DOCKER, 2, List.of("Docker 20.10")),
                new Forecast.Count(Effect.DOCKER_WITHOUT_CLUSTER_STORE, 1, List.of("Docker 24.0")),
                new Forecast.Count(Effect.RESTART_MESOS_AGENT, 1, List.of("Mesos 1.0")));
    }

    @Test
    void anAgentWhosePlanAlreadyHasTheNewHashesRerunsNothing() {
        reporting("a1", "20.10.24", "1.0.3");
        CalicoClusterSpec wanted = spec("cni:\n  mtu: 1400");
        plans.put("a1", new AgentPlan("a1", 11, HASHES.of(wanted), Optional.empty(), false, false));

        Forecast forecast = forecast(wanted);

        assertThat(forecast.agents()).isEmpty();
        assertThat(forecast.reruns()).isEmpty();
    }

    @Test
    void versionsSortNumericallyAndKeepMajorAndMinor() {
        assertThat(DisruptionForecast.majorMinor("20.10.24+dfsg1")).isEqualTo("20.10");
        assertThat(DisruptionForecast.majorMinor("1.0.3")).isEqualTo("1.0");
        assertThat(DisruptionForecast.majorMinor("unknown")).isEqualTo("unknown");
        reporting("a", "20.10.24", "1.10.0");
        reporting("b", "20.10.24", "1.2.0");
        reporting("c", "20.10.24", "1.0.0");

        Forecast forecast = forecast(spec("cni:\n  mtu: 1400\n  agentRestart: always"));

        assertThat(forecast.effects()).containsExactly(
                new Forecast.Count(Effect.RESTART_MESOS_AGENT, 3, List.of("Mesos 1.0", "Mesos 1.2", "Mesos 1.10")));
    }
}
