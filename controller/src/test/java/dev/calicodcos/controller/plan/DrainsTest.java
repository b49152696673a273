package dev.calicodcos.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrainsTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Rollout ON = Specs.parse(Specs.withSpec("rollout:\n  drain: {enabled: true, timeout: 2m}\n")).spec().rollout();
    private static final Rollout OFF = Specs.minimal().spec().rollout();

    private static AgentReport waiting(StepName step, Optional<Boolean> liveRestore) {
        StepReport s = new StepReport(StepPhase.AWAITING_RESTART, "h1", Optional.empty(), Optional.empty(), "waiting", T);
        return new AgentReport("a1", "test", 1, new AgentFacts("a1", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, false, liveRestore), List.of(), Map.of(step, s), T);
    }

    private static Optional<Boolean> liveRestore(String text) {
        return text.equals("unknown") ? Optional.empty() : Optional.of(Boolean.parseBoolean(text));
    }

    @ParameterizedTest(name = "drain {0}, {1}, live-restore {2}: waits {3}")
    @CsvSource({
            "on,  dockerClusterStore, false,   true",
            "on,  dockerClusterStore, unknown, true",
            "on,  dockerClusterStore, true,    false",
            "on,  cni,                true,    true",
            "on,  etcdProxy,          false,   false",
            "on,  node,               false,   false",
            "on,  libnetwork,         false,   false",
            "off, dockerClusterStore, false,   false",
            "off, cni,                false,   false"})
    void aGrantWaitsForTheDrainOnlyWhenDrainIsOnAndTheRestartStopsTasks(String drain, String step, String live, boolean waits) {
        AgentReport report = waiting(StepName.fromId(step).orElseThrow(), liveRestore(live));

        RestartGrant grant = Drains.issue(drain.equals("on") ? ON : OFF, RestartBudget.waiting(report).orElseThrow(), T);

        assertThat(grant.grantedAt()).isEqualTo(T);
        assertThat(grant.notBefore()).isEqualTo(waits ? Optional.of(T.plusSeconds(120)) : Optional.empty());
    }

    @ParameterizedTest(name = "{0} grant, listing {1} s after it with {2}: released {3}")
    @CsvSource({
            "dockerClusterStore, 5,  none,           true",
            "dockerClusterStore, 5,  mesos,          true",
            "dockerClusterStore, 5,  docker,         false",
            "dockerClusterStore, 5,  docker+mesos,   false",
            "dockerClusterStore, 0,  none,           false",
            "dockerClusterStore, -5, none,           false",
            "dockerClusterStore, 5,  unknown,        false",
            "cni,                5,  none,           true",
            "cni,                5,  mesos,          false",
            "cni,                5,  docker,         false"})
    void aWaitingGrantIsReleasedOnceAListingAfterItShowsNoTaskTheRestartStops(String step, int listedAfter, String tasks, boolean released) {
        RestartGrant grant = new RestartGrant(StepName.fromId(step).orElseThrow(), "h1", T, Optional.of(T.plusSeconds(120)));
        Instant listedAt = T.plusSeconds(listedAfter);
        Workloads workloads = tasks.equals("unknown") ? Workloads.unknown(listedAt, "HTTP 503")
                : Workloads.listed(listedAt, tasks.equals("none") ? Map.of() : Map.of("a1", List.of(tasks.split("\\+")).stream()
                        .map(kind -> new Workload("marathon", true, kind + "-app", kind.equals("docker")
                                ? Workload.Containerizer.DOCKER : Workload.Containerizer.MESOS)).toList()));
        Instant now = T.plusSeconds(30);

        RestartGrant after = Drains.kept(grant, "a1", ON, workloads, now);

        assertThat(after).isEqualTo(released ? grant.withNotBefore(now) : grant);
    }

    @Test
    void aGrantWithoutDrainOrPastItsTimeIsKeptAsItIs() {
        Workloads empty = Workloads.listed(T.plusSeconds(200), Map.of());
        RestartGrant plain = new RestartGrant(StepName.CNI, "h1", T);
        RestartGrant due = new RestartGrant(StepName.CNI, "h1", T, Optional.of(T.plusSeconds(120)));

        assertThat(Drains.kept(plain, "a1", ON, empty, T.plusSeconds(201))).isSameAs(plain);
        assertThat(Drains.kept(due, "a1", ON, empty, T.plusSeconds(201))).isSameAs(due);
    }

    @Test
    void turningDrainOffReleasesAWaitingGrantAndAShorterTimeoutBringsItForward() {
        RestartGrant waiting = new RestartGrant(StepName.DOCKER_CLUSTER_STORE, "h1", T, Optional.of(T.plusSeconds(600)));
        Workloads busy = Workloads.listed(T.plusSeconds(5), Map.of("a1", List.of(new Workload("marathon", true, "web",
                Workload.Containerizer.DOCKER))));
        Instant now = T.plusSeconds(30);

        RestartGrant off = Drains.kept(waiting, "a1", OFF, busy, now);
        RestartGrant shorter = Drains.kept(waiting, "a1", ON, busy, now);
        RestartGrant over = Drains.kept(waiting, "a1", ON, busy, T.plusSeconds(121));

        assertThat(off.notBefore()).contains(now);
        assertThat(Drains.why(off, "a1", OFF, busy, now)).isEqualTo("rollout.drain is off now: it may restart now");
        assertThat(shorter.notBefore()).contains(T.plusSeconds(120));
        assertThat(Drains.why(shorter, "a1", ON, busy, now)).isEqualTo("rollout.drain.timeout is 2m now: it waits until " + T.plusSeconds(120));
        assertThat(over.notBefore()).contains(T.plusSeconds(121));
    }

    @Test
    void thePlannerIssuesADrainGrantAndReleasesItWhenTheWorkloadsAreGone() {
        PlannerFixtures world = new PlannerFixtures().agents(PlannerFixtures.privateAgent("a1"));
        world.spec("rollout:\n  drain: {enabled: true, timeout: 10m}\n");
        world.report("a1", StepPhase.DONE, StepName.DOCKER_CLUSTER_STORE, StepPhase.AWAITING_RESTART);
        world.workloads = Workloads.listed(world.now, Map.of("a1", List.of(new Workload("marathon", true, "web", Workload.Containerizer.DOCKER))));
        Instant grantedAt = world.now;

        world.round();
        RestartGrant granted = world.plans.get("a1").restartGrant().orElseThrow();
        assertThat(granted.notBefore()).contains(grantedAt.plusSeconds(600));
        assertThat(event(world, "RestartGranted").message()).endsWith("; drains until " + grantedAt.plusSeconds(600)
                + " (rollout.drain.timeout 10m): the machine is put in the Mesos maintenance schedule");

        world.round(); // nothing newer is listed: it keeps waiting
        assertThat(world.plans.get("a1").restartGrant()).contains(granted);

        world.workloads = Workloads.listed(world.now, Map.of());
        Instant released = world.now;
        world.round();
        AgentPlan plan = world.plans.get("a1");
        assertThat(plan.restartGrant()).contains(granted.withNotBefore(released));
        assertThat(event(world, "DrainReleased").agentId()).isEqualTo("a1");
    }

    private static ClusterEvent event(PlannerFixtures world, String reason) {
        return world.status.events().stream().filter(e -> e.reason().equals(reason)).reduce((a, b) -> b).orElseThrow();
    }
}
