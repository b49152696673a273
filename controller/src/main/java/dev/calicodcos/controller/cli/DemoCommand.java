package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.demo.DemoCluster;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", description = {
        "Run everything on this machine: a real etcd, a simulated DC/OS cluster whose agents run the real node agent",
        "as Mesos tasks, and the controller; apply an example spec and show the rollout live. Needs etcd on PATH."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    CalicoDcos app;

    @Spec
    CommandSpec spec;

    @Option(names = "--agents", defaultValue = "5", description = "Simulated agents (default ${DEFAULT-VALUE}; the last is public).")
    int agents;

    @Option(names = "--exit-when-ready", description = "Exit 0 once the cluster is Ready; non-zero if it cannot converge.")
    boolean exitWhenReady;

    @Option(names = "--timeout", defaultValue = "5m", description = "With --exit-when-ready: give up after this long (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--http-port", defaultValue = "0", description = "Status page port (default: any free port).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        Logging.quietForDemo();
        PrintWriter out = spec.commandLine().getOut();
        Optional<Path> jar = ControllerCommand.ownJar();
        if (jar.isEmpty()) {
            spec.commandLine().getErr().println("error: run the demo from the jar: java -jar controller/target/calico-dcos.jar demo");
            return ExitCode.FAILED;
        }
        if (agents < 1) {
            spec.commandLine().getErr().println("error: --agents must be at least 1");
            return ExitCode.FAILED;
        }
        DemoCluster.Options options;
        try {
            options = DemoCluster.Options.defaults(agents, jar.get()).withHttpPort(httpPort);
        } catch (IllegalStateException noRuntime) {
            spec.commandLine().getErr().println("error: the demo's node agents run on the Java runtime built beside the jar"
                    + " (./mvnw -B -q -DskipTests package, on Linux x64): " + noRuntime.getMessage());
            return ExitCode.FAILED;
        }
        Instant started = Instant.now();
        try (DemoCluster demo = DemoCluster.start(options)) {
            out.println("etcd            " + demo.etcdEndpoint() + " (prefix " + DemoCluster.PREFIX + ")");
            out.println("Mesos master    " + demo.sim().masterUrl() + " (simulated, " + agents + " agents)");
            out.println("status page     " + demo.statusPage());
            out.println("try             java -jar " + jar.get() + " status --etcd-endpoints " + demo.etcdEndpoint());
            demo.apply(demo.exampleSpec());
            out.println("applied the example spec at revision " + demo.specRevision() + "; rollout:");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            return watch(demo, out, started, stop);
        }
    }

    /** Prints progress and events as they happen; returns when asked to stop, or on a verdict with --exit-when-ready. */
    private int watch(DemoCluster demo, PrintWriter out, Instant started, CountDownLatch stop) throws InterruptedException {
        Instant deadline = started.plus(Durations.parse(timeout));
        Set<ClusterEvent> printed = new HashSet<>();
        String lastProgress = "";
        boolean announcedReady = false;
        while (true) {
            Optional<ClusterStatus> status = demo.status();
            if (status.isPresent()) {
                ClusterStatus s = status.get();
                for (ClusterEvent e : s.events()) {
                    if (printed.add(e)) {
                        out.printf("%s  %-16s %-22s %s%n", elapsed(started), e.reason(),
                                e.agentId() == null ? "" : e.agentId() + (e.step() == null ? "" : " " + e.step()), e.message());
                    }
                }
                String progress = StatusTable.progress(s);
                if (!progress.equals(lastProgress)) {
                    out.println(elapsed(started) + "  " + progress);
                    lastProgress = progress;
                }
                out.flush();
                boolean current = s.observedGeneration() == demo.specRevision();
                if (current && s.isTrue(Condition.READY) && !announcedReady) {
                    announcedReady = true;
                    out.println(elapsed(started) + "  Ready: every agent converged. Status page: " + demo.statusPage());
                    out.flush();
                    if (exitWhenReady) {
                        return ExitCode.OK;
                    }
                }
                if (exitWhenReady && current && s.condition(Condition.DEGRADED)
                        .filter(c -> c.isTrue() && c.reason().equals("RolloutHalted")).isPresent()) {
                    out.println("the rollout halted: " + s.condition(Condition.DEGRADED).get().message());
                    out.flush();
                    return ExitCode.FAILED;
                }
            }
            if (exitWhenReady && Instant.now().isAfter(deadline)) {
                out.println("not Ready after " + timeout);
                out.flush();
                return StatusCommand.TIMEOUT;
            }
            if (stop.await(500, TimeUnit.MILLISECONDS)) {
                return ExitCode.OK;
            }
        }
    }

    private static String elapsed(Instant started) {
        Duration d = Duration.between(started, Instant.now());
        return String.format("[%02d:%02d]", d.toMinutes(), d.toSecondsPart());
    }
}
