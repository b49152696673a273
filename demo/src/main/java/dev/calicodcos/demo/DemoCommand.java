package dev.calicodcos.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.calicodcos.controller.cli.ExitCode;
import dev.calicodcos.controller.cli.JarLocation;
import dev.calicodcos.controller.cli.StatusTable;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The demo jar's entry point: {@code java -jar demo/target/calico-dcos-demo.jar [--agents N] [--exit-when-ready]}. */
@Command(name = "calico-dcos-demo", mixinStandardHelpOptions = true, versionProvider = DemoCommand.Version.class,
        description = {"Runs everything on this machine: a real etcd, a simulated DC/OS cluster whose agents run the real node agent"
                + " (the product jar) as Mesos tasks, and the controller; applies an example spec and shows the rollout live.",
                "Needs etcd on PATH (scripts/install-deps.sh demo installs it)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Ready (with --exit-when-ready), or stopped with Ctrl-C", "1:the rollout halted, or the demo could not start",
                "2:not Ready before --timeout; or a bad option"})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "5", description = "Simulated agents (default ${DEFAULT-VALUE}; the last is public).")
    int agents;

    @Option(names = "--exit-when-ready", description = "Exit 0 once the cluster is Ready; non-zero if it cannot converge.")
    boolean exitWhenReady;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", description = "With --exit-when-ready: give up after this long (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--then-node-image", paramLabel = "IMAGE",
            description = {"Once Ready, apply the spec again with spec.node.image set to IMAGE and watch that rollout: e.g.",
                    "calico/node:v2.6.12-typo (unknown: the pull fails on the agents holding a slot, their old calico/node keeps",
                    "running, the rollout halts) or calico/node:v2.6.12-sim-never-ready (runs, never ready: rolled back)."})
    String thenNodeImage;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "0", description = "Status page port (default: any free port).")
    int httpPort;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The product jar the simulated agents run as node agents (default: controller/target/calico-dcos.jar"
                    + " of the checkout this demo jar was built in, or of the current directory).")
    Path productJar;

    @Option(names = "--node-runtime", paramLabel = "FILE", defaultValue = "${env:CALICO_DCOS_NODE_RUNTIME}",
            description = "The Java runtime tarball they run it on (default: the calico-dcos-runtime-*-linux-x64.tar.gz beside the product jar).")
    Path nodeRuntime;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A failure to start (no etcd, no product jar) ends in one line on stderr, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DemoCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            cmd.getErr().flush();
            return ExitCode.FAILED;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (agents < 1) {
            err.println("error: --agents must be at least 1");
            return ExitCode.FAILED;
        }
        List<Path> looked = productJar != null ? List.of(productJar)
                : ProductJar.candidates(JarLocation.of(DemoCommand.class), Path.of("").toAbsolutePath());
        Optional<Path> jar = looked.stream().filter(Files::isRegularFile).findFirst();
        if (jar.isEmpty()) {
            err.println("error: the simulated agents run the product jar, and there is none at "
                    + looked.stream().map(Path::toString).collect(Collectors.joining(", "))
                    + ": build it (./mvnw -B -q -DskipTests package) or pass --jar FILE");
            return ExitCode.FAILED;
        }
        DemoCluster.Options options;
        try {
            options = DemoCluster.Options.defaults(agents, jar.get(), Optional.ofNullable(nodeRuntime).filter(p -> !p.toString().isBlank()))
                    .withHttpPort(httpPort);
        } catch (IllegalStateException noRuntime) {
            err.println("error: the demo's node agents run on the Java runtime built beside the product jar"
                    + " (./mvnw -B -q -DskipTests package, on Linux x64): " + noRuntime.getMessage());
            return ExitCode.FAILED;
        }
        quietLogs();
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
    private int watch(DemoCluster demo, PrintWriter out, Instant started, CountDownLatch stop) throws InterruptedException, IOException {
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
                    if (thenNodeImage != null) {
                        demo.apply(DemoCluster.withNodeImage(demo.exampleSpec(), thenNodeImage));
                        out.println(elapsed(started) + "  applied spec.node.image " + thenNodeImage + " at revision " + demo.specRevision()
                                + "; rollout:");
                        out.flush();
                        thenNodeImage = null;
                        announcedReady = false;
                        continue;
                    }
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
                return ExitCode.TIMEOUT;
            }
            if (stop.await(500, TimeUnit.MILLISECONDS)) {
                return ExitCode.OK;
            }
        }
    }

    /** The demo prints its own progress; the components' logs would bury it. */
    private static void quietLogs() {
        if (System.getenv("CALICO_DCOS_LOG_LEVEL") == null) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.ERROR);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"calico-dcos-demo " + Optional.ofNullable(DemoCommand.class.getPackage().getImplementationVersion()).orElse("development build")};
        }
    }

    private static String elapsed(Instant started) {
        Duration d = Duration.between(started, Instant.now());
        return String.format("[%02d:%02d]", d.toMinutes(), d.toSecondsPart());
    }
}
