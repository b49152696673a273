package dev.calicodcos.controller.plan;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small world for planner tests: agents, reports and the previous round's output, advanced round by round. */
final class PlannerFixtures {
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final Duration GRACE = Duration.ofMinutes(5);

    final Planner planner = new Planner(new SpecCodec());
    CalicoCluster cluster = Specs.minimal();
    long revision = 10;
    long observed = 10;
    Optional<List<String>> invalid = Optional.empty();
    final List<AgentView> agents = new ArrayList<>();
    final Map<String, AgentReport> reports = new HashMap<>();
    Map<String, AgentPlan> plans = new HashMap<>();
    Optional<SpecInForce> specInForce = Optional.empty();
    ClusterStatus status = ClusterStatus.empty();
    ControlState control = ControlState.none();
    Instant now = T0;
    Optional<String> selfHost = Optional.empty();
    Workloads workloads = Workloads.notLookedUp();

    static AgentView privateAgent(String id) {
        return new AgentView(id, id + ".example.com", Set.of("*"), Map.of(), true);
    }

    static AgentView publicAgent(String id) {
        return new AgentView(id, id + ".example.com", Set.of("slave_public"), Map.of("public_ip", "true"), true);
    }

    PlannerFixtures agents(AgentView... views) {
        agents.addAll(List.of(views));
        return this;
    }

    PlannerFixtures spec(String specYaml) {
        cluster = Specs.parse(Specs.withSpec(specYaml));
        revision++;
        observed = revision;
        return this;
    }

    /** Reports every step of {@code agentId} in {@code phase} at hash "h-<step>-<revision>", except the ones given. */
    PlannerFixtures report(String agentId, StepPhase phase, Object... overrides) {
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            steps.put(step, new StepReport(phase, hash(step), Optional.of(hash(step)), Optional.empty(), phase.name().toLowerCase(), now));
        }
        for (int i = 0; i < overrides.length; i += 2) {
            StepName step = (StepName) overrides[i];
            StepPhase p = (StepPhase) overrides[i + 1];
            steps.put(step, new StepReport(p, hash(step), Optional.empty(), Optional.empty(), p.name().toLowerCase(), now));
        }
        reports.put(agentId, new AgentReport(agentId, "test", revision,
                new AgentFacts(agentId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                List.of(), steps, now));
        return this;
    }

    String hash(StepName step) {
        return "h-" + step.id() + "-" + revision + "-" + "0".repeat(12);
    }

    PlanResult round() {
        PlanResult result = planner.plan(new PlanInput(cluster, revision, observed, invalid, agents, reports, plans, control,
                status, status.agents(), specInForce, now, GRACE, selfHost, workloads));
        Map<String, AgentPlan> next = new HashMap<>(result.plans());
        result.deletePlans().forEach(next::remove);
        plans = next;
        status = result.status();
        specInForce = result.specInForce().or(() -> specInForce);
        now = now.plusSeconds(1);
        return result;
    }

    long grants() {
        return plans.values().stream().filter(p -> p.restartGrant().isPresent()).count();
    }
}
