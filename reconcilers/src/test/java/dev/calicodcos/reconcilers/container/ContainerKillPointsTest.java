package dev.calicodcos.reconcilers.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.host.ContainerSpec;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.testkit.MovableClock;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node agent can be killed (its Mesos task lost, its JVM ended) between any two of its calls to
 * Docker, or between Docker's create and start of one container. Whatever it left on the host, the
 * next node agent finishes the change: a first install ends installed without a rollback, and a
 * replacement ends with the new container and its disruption window logged.
 */
class ContainerKillPointsTest {
    static final String OLD = "calico/node:v2.6.11";
    static final String NEW = "calico/node:v2.6.12";
    private static final AgentFacts FACTS = new AgentFacts("agent-1", Optional.of("10.0.0.5"), Optional.of("20.10.24"),
            Optional.of("1.10.0"), Optional.of("1.12.0"), false, false);
    /** More Docker changes than either change makes, so that the last kill points are past its end. */
    private static final int CALLS = 6;

    /** Where the first node agent dies: before its n-th change to Docker takes effect, inside it (a run created, not started), or after it. */
    enum When { BEFORE, CREATED_NOT_STARTED, AFTER }

    record KillPoint(int call, When when) {
        @Override
        public String toString() {
            return when + " docker change #" + call;
        }
    }

    static Stream<KillPoint> killPoints() {
        return IntStream.rangeClosed(1, CALLS).boxed().flatMap(n -> Stream.of(When.values()).map(w -> new KillPoint(n, w)));
    }

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryDocker docker = new InMemoryDocker(Set.of(OLD, NEW));

    @ParameterizedTest(name = "killed {0}")
    @MethodSource("killPoints")
    void aFirstInstallInterruptedAnywhereEndsInstalledWithoutARollback(KillPoint kill) throws IOException {
        Path root = Files.createTempDirectory("host-root");
        try {
            ResolvedPlan plan = plan(OLD);

            List<StepOutcome> seen = runKilledThenResumed(root, kill, ignored -> plan);

            assertThat(seen).extracting(StepOutcome::phase).doesNotContain(StepPhase.FAILED).last().isEqualTo(StepPhase.DONE);
            ContainerState node = docker.inspect(NodeReconciler.CONTAINER).orElseThrow();
            assertThat(node.image()).isEqualTo(OLD);
            assertThat(node.running()).isTrue();
            assertThat(docker.journal).as("one container created").containsOnlyOnce("run calico-node " + OLD);
            assertThat(disruptions(root)).as("nothing ran before: nothing was disturbed").isEmpty();
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    @ParameterizedTest(name = "killed {0}")
    @MethodSource("killPoints")
    void aReplacementInterruptedAnywhereEndsReplacedWithItsWindowLogged(KillPoint kill) throws IOException {
        Path root = Files.createTempDirectory("host-root");
        try {
            converge(new NodeReconciler(converger(root, docker)), ignored -> plan(OLD));
            docker.journal.clear();
            List<StepOutcome> seen = runKilledThenResumed(root, kill, new GrantingLeader(plan(NEW)));

            assertThat(seen).extracting(StepOutcome::phase).doesNotContain(StepPhase.FAILED).last().isEqualTo(StepPhase.DONE);
            assertThat(docker.inspect(NodeReconciler.CONTAINER).orElseThrow().image()).isEqualTo(NEW);
            List<String> edges = disruptions(root).stream().map(line -> line.split(" ")[1]).toList();
            assertThat(edges).as("every replacement inside a window: begin (again, if killed) before, one end after")
                    .endsWith("end").containsOnlyOnce("end").first().isEqualTo("begin");
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    /** Passes of a node agent that dies at {@code kill}, then of a fresh one (no memory, same host) until the step is done. */
    private List<StepOutcome> runKilledThenResumed(Path root, KillPoint kill, Function<StepOutcome, ResolvedPlan> plans) {
        List<StepOutcome> seen = new ArrayList<>();
        try {
            seen.addAll(converge(new NodeReconciler(converger(root, new DyingDocker(docker, kill))), plans));
        } catch (Killed expected) {
            // the node agent is gone; what it did to the host stays
        }
        seen.addAll(converge(new NodeReconciler(converger(root, docker)), plans));
        return seen;
    }

    /** Passes every 3 s (the gate's stability period is 10 s, its timeout 2 min) until done or failed, at most 5 minutes. */
    private List<StepOutcome> converge(NodeReconciler node, Function<StepOutcome, ResolvedPlan> plans) {
        List<StepOutcome> seen = new ArrayList<>();
        StepOutcome last = null;
        for (int pass = 0; pass < 100 && (last == null || (last.phase() != StepPhase.DONE && last.phase() != StepPhase.FAILED)); pass++) {
            last = node.reconcile(new StepContext(plans.apply(last), FACTS, Optional.empty()));
            seen.add(last);
            clock.advance(Duration.ofSeconds(3));
        }
        return seen;
    }

    private ContainerConverger converger(Path root, DockerEngine engine) {
        RootedFiles files = new RootedFiles(root);
        return new ContainerConverger(engine, files, checks -> Optional.empty(), new DisruptionLog(files, clock), clock);
    }

    private static ResolvedPlan plan(String image) {
        return TestHost.plan("""
                etcd: {endpoints: ["http://10.0.0.1:2379"]}
                rollout: {restartTimeout: 2m, stabilityPeriod: 10s}
                node: {image: "%s"}
                """.formatted(image));
    }

    private static List<String> disruptions(Path root) throws IOException {
        Path log = root.resolve(DisruptionLog.PATH.substring(1));
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Grants the hash the agent asks a restart for, and keeps the grant, as the leader does until the agent is done. */
    private final class GrantingLeader implements Function<StepOutcome, ResolvedPlan> {
        private ResolvedPlan plan;

        GrantingLeader(ResolvedPlan plan) {
            this.plan = plan;
        }

        @Override
        public ResolvedPlan apply(StepOutcome last) {
            if (plan.plan().restartGrant().isEmpty() && last != null && last.phase() == StepPhase.AWAITING_RESTART) {
                plan = plan.withRestartGrant(Optional.of(new RestartGrant(StepName.NODE, last.desiredHash(), clock.instant())));
            }
            return plan;
        }
    }

    /** The end of a node agent, thrown where its JVM would have stopped. Not a step failure: nothing catches it. */
    private static final class Killed extends RuntimeException {
        Killed(KillPoint at) {
            super("killed " + at);
        }
    }

    /** Docker as one node agent sees it: its {@code kill.call()}-th change is where that node agent dies. */
    private static final class DyingDocker implements DockerEngine {
        private final InMemoryDocker docker;
        private final KillPoint kill;
        private int changes;

        DyingDocker(InMemoryDocker docker, KillPoint kill) {
            this.docker = docker;
            this.kill = kill;
        }

        @Override
        public DockerInfo info() {
            return docker.info();
        }

        @Override
        public Optional<ContainerState> inspect(String name) {
            return docker.inspect(name);
        }

        @Override
        public void ensureImage(String image) {
            change(() -> docker.ensureImage(image), Optional.empty());
        }

        @Override
        public String run(ContainerSpec spec) {
            String[] id = new String[1];
            change(() -> id[0] = docker.run(spec), Optional.of(spec.name()));
            return id[0];
        }

        @Override
        public void start(String id) {
            change(() -> docker.start(id), Optional.empty());
        }

        @Override
        public void remove(String id) {
            change(() -> docker.remove(id), Optional.empty());
        }

        /** @param created the container a run creates, which "inside" leaves created and not started */
        private void change(Runnable call, Optional<String> created) {
            if (++changes != kill.call()) {
                call.run();
                return;
            }
            switch (kill.when()) {
                case BEFORE -> throw new Killed(kill);
                case CREATED_NOT_STARTED -> {
                    call.run();
                    created.ifPresent(docker::crash);
                    throw new Killed(kill);
                }
                case AFTER -> {
                    call.run();
                    throw new Killed(kill);
                }
            }
        }
    }
}
