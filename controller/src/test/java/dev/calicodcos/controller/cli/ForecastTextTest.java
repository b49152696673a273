package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.plan.Forecast;
import dev.calicodcos.controller.plan.Forecast.Action;
import dev.calicodcos.controller.plan.Forecast.Count;
import dev.calicodcos.controller.plan.Forecast.Effect;
import dev.calicodcos.model.spec.StepName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ForecastTextTest {

    private static Forecast.Agent agent(int i, Action... actions) {
        return new Forecast.Agent("agent-" + i, "host-" + i, Optional.of("10.0.0." + i), List.of(StepName.CNI, StepName.NODE),
                List.of(), List.of(actions));
    }

    /** 12 agents re-run cni and node: 3 restart docker too, 1 is on Mesos 1.0. */
    private static Forecast issueExample() {
        Action replace = new Action(StepName.NODE, Effect.REPLACE_NODE, Optional.empty());
        Action docker = new Action(StepName.DOCKER_CLUSTER_STORE, Effect.RESTART_DOCKER, Optional.of("Docker 20.10"));
        Action mesos = new Action(StepName.CNI, Effect.RESTART_MESOS_AGENT, Optional.of("Mesos 1.0"));
        List<Forecast.Agent> agents = IntStream.rangeClosed(1, 12)
                .mapToObj(i -> i == 1 ? agent(i, mesos, replace) : i <= 4 ? agent(i, docker, replace) : agent(i, replace)).toList();
        return new Forecast(14, Map.of(StepName.CNI, 12, StepName.NODE, 12), Map.of(),
                List.of(new Count(Effect.RESTART_DOCKER, 3, List.of("Docker 20.10")), new Count(Effect.RESTART_MESOS_AGENT, 1, List.of("Mesos 1.0")),
                        new Count(Effect.REPLACE_NODE, 12, List.of())),
                12, 16, 3, 6, List.of("agent-13"), List.of(), List.of("agent-99"), List.of("agent-14"), false, agents);
    }

    @Test
    void theSummaryCountsAgentsPerStepAndPerEffectWithTheVersionsThatDecided() {
        assertThat(ForecastText.summary(issueExample())).isEqualTo("12 agents rerun cni; 12 rerun node; 3 will restart docker"
                + " (Docker 20.10); 1 will restart the Mesos agent (Mesos 1.0); 12 will replace calico/node");
    }

    @Test
    void theTableShowsTheFirstAgentsThenHowManyMore() {
        String text = ForecastText.render(issueExample(), 2);

        assertThat(text).startsWith("""
                forecast for the 14 selected agents, from their last reports:
                  12 agents rerun cni; 12 rerun node; 3 will restart docker (Docker 20.10); 1 will restart the Mesos agent (Mesos 1.0); 12 will replace calico/node
                  not counted: 1 newly excluded (Calico is removed there); 1 not reporting (they rerun too; effects unknown); 1 outside the selector
                  restarts: at most 3 at once (rollout.maxConcurrentRestarts = 3): at least 6 waves (16 disruptive steps on 12 agents)

                AGENT    HOST    IP        RERUNS     DISRUPTIVE
                agent-1  host-1  10.0.0.1  cni, node  restart the Mesos agent (Mesos 1.0), replace calico/node
                agent-2  host-2  10.0.0.2  cni, node  restart docker (Docker 20.10), replace calico/node
                … and 10 more; `diff --agents` lists every agent
                """);
    }

    @Test
    void withoutRerunsItSaysSoAndNeedsNoRestart() {
        Forecast none = new Forecast(3, Map.of(), Map.of(), List.of(), 0, 0, 1, 0, List.of(), List.of(), List.of(), List.of(), true,
                List.of());

        assertThat(ForecastText.render(none, 20)).isEqualTo("""
                forecast for the 3 selected agents, from their last reports:
                  no agent reruns a step
                  agents.roles or agents.attributes change: agents the new selector adds or drops are not forecast
                  restarts: none needed; at most 1 at once (rollout.maxConcurrentRestarts = 1)
                """);
    }

    @Test
    void aStepTurnedOffIsRemovedNotRerun() {
        Forecast removal = new Forecast(1, Map.of(StepName.NODE, 1), Map.of(StepName.NODE, 1),
                List.of(new Count(Effect.REMOVE_NODE, 1, List.of())), 1, 1, 1, 1, List.of(), List.of(), List.of(), List.of(), false,
                List.of(new Forecast.Agent("a", "", Optional.empty(), List.of(StepName.NODE), List.of(StepName.NODE),
                        List.of(new Action(StepName.NODE, Effect.REMOVE_NODE, Optional.empty())))));

        assertThat(ForecastText.render(removal, 20)).contains("1 agent removes node; 1 will remove calico/node",
                "a      -     -   node (remove)  remove calico/node");
    }
}
