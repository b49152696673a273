package dev.calicodcos.reconcilers;

import static org.awaitility.Awaitility.await;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.agent.NodeAgentSteps;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.etcdproxy.JetcdProbe;
import dev.calicodcos.reconcilers.etcdproxy.JndiSrvResolver;
import dev.calicodcos.reconcilers.host.Host;
import dev.calicodcos.reconcilers.host.Hosts;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.testkit.Dockerd;
import dev.calicodcos.testkit.FakeSystemctl;
import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A DC/OS-like agent in a temporary folder: the directories the steps use, a {@code detect_ip}
 * that prints 10.0.0.5, a fake {@code systemctl} at {@code <root>/usr/bin/systemctl} (where the
 * host's PATH finds it; docker and the Mesos agent active for an hour; restarting or reloading
 * docker really restarts or reloads the shared test dockerd; units written to
 * {@code <root>/etc/systemd/system} really run), a task PATH of {@code /usr/bin:/bin} as on DC/OS
 * (after the fake's own directory, so that the machine's real systemctl can never be reached),
 * and the real adapters of a {@link Host} pointed at all of it.
 */
public final class TestHost implements AutoCloseable {
    public static final String NODE_NAME = "agent-1";
    public static final String DCOS_TASK_PATH = "/usr/bin:/bin";

    private final Path root;
    private final FakeSystemctl systemctl;
    private final Optional<Dockerd> dockerd;
    private final Host host;
    private final Map<String, String> environment;

    private TestHost(Path root, FakeSystemctl systemctl, Optional<Dockerd> dockerd, Map<String, String> extraEnvironment) {
        this.root = root;
        this.systemctl = systemctl;
        this.dockerd = dockerd;
        Map<String, String> env = new HashMap<>(Map.of("PATH", systemctl.binDir() + ":" + DCOS_TASK_PATH,
                "DOCKER_HOST", dockerd.map(Dockerd::dockerHost).orElse("unix://" + root.resolve("var/run/docker.sock"))));
        env.putAll(extraEnvironment);
        this.environment = Map.copyOf(env);
        this.host = Hosts.real(root, environment);
    }

    /** A host whose docker is the shared test engine (tests skip where there is none). */
    public static TestHost withDocker() {
        return withDocker(Map.of());
    }

    /** A host on the shared test engine whose node agent also has {@code environment} (e.g. CALICO_DCOS_HOST_LOOPBACK). */
    public static TestHost withDocker(Map<String, String> environment) {
        Dockerd engine = SharedDockerd.require();
        TestHost testHost = create(Optional.of(engine), environment);
        engine.useConfigFile(testHost.path("/etc/docker/daemon.json"));
        testHost.systemctl
                .onVerb("docker", "restart", engine.controlScript() + " restart")
                .onVerb("docker", "reload", engine.controlScript() + " reload");
        return testHost;
    }

    /** A host without a Docker engine (for the steps that do not need one). */
    public static TestHost withoutDocker() {
        return withoutDocker(Map.of());
    }

    /** A host without a Docker engine whose node agent also has {@code environment} (e.g. CALICO_DCOS_HOST_LOOPBACK). */
    public static TestHost withoutDocker(Map<String, String> environment) {
        return create(Optional.empty(), environment);
    }

    private static TestHost create(Optional<Dockerd> engine, Map<String, String> environment) {
        try {
            Path root = Files.createTempDirectory("host-root");
            for (String dir : new String[] {"etc/docker", "opt/mesosphere/active/cni", "opt/mesosphere/etc/dcos/network/cni",
                    "opt/mesosphere/bin", "etc/mesosphere/roles", "var/run", "etc/systemd/system", "usr/bin"}) {
                Files.createDirectories(root.resolve(dir));
            }
            Files.writeString(root.resolve("etc/mesosphere/roles/slave"), "");
            FakeSystemctl systemctl = FakeSystemctl.create().unitDirectory(root.resolve("etc/systemd/system"));
            Files.createSymbolicLink(root.resolve("usr/bin/systemctl"), systemctl.executable());
            Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
            systemctl.active("docker", anHourAgo).active("dcos-mesos-slave", anHourAgo).active("dcos-mesos-slave-public", anHourAgo);
            TestHost testHost = new TestHost(root, systemctl, engine, environment);
            testHost.script("/opt/mesosphere/bin/detect_ip", "echo 10.0.0.5");
            return testHost;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Path root() {
        return root;
    }

    public Path path(String hostPath) {
        return root.resolve(hostPath.substring(1));
    }

    public Host host() {
        return host;
    }

    public FakeSystemctl systemctl() {
        return systemctl;
    }

    public Dockerd dockerd() {
        return dockerd.orElseThrow();
    }

    /** Writes an executable shell script at a host path. */
    public void script(String hostPath, String body) {
        try {
            Path file = path(hostPath);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(String hostPath, String content) {
        try {
            Files.createDirectories(path(hostPath).getParent());
            Files.writeString(path(hostPath), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String hostPath) {
        try {
            return Files.readString(path(hostPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public StepRunner runner() {
        return runner(CrashPoints.NONE);
    }

    public StepRunner runner(CrashPoints crashPoints) {
        return runner(NODE_NAME, crashPoints);
    }

    /**
     * The node agent's steps on this host. The containers here run the busybox image, which is
     * neither Felix nor the plugin, so their readiness checks are taken as passed; the checks
     * themselves are tested against the simulator's calico/node and plugin.
     */
    public StepRunner runner(String nodeName, CrashPoints crashPoints) {
        return NodeAgentSteps.runner(host, nodeName, Clock.systemUTC(), crashPoints, new JndiSrvResolver(),
                new JetcdProbe(Duration.ofSeconds(3)), checks -> Optional.empty());
    }

    /** A plan for this agent from a spec fragment (YAML under {@code spec:}). */
    public static ResolvedPlan plan(String specYaml) {
        CalicoClusterSpec spec = Specs.parse(Specs.withSpec(specYaml)).spec();
        return new ResolvedPlan(new AgentPlan("agent-1", 1, new StepHashes(new SpecCodec()).of(spec), Optional.empty(), false, false), spec);
    }

    /**
     * Runs passes until every step is settled, granting each restart asked for (as the leader would,
     * one at a time), and returns the last report.
     */
    public static AgentReport converge(StepRunner runner, ResolvedPlan plan) {
        AtomicReference<ResolvedPlan> current = new AtomicReference<>(plan);
        AtomicReference<AgentReport> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            AgentReport report = runner.runOnce(current.get(), Optional.ofNullable(last.get()));
            last.set(report);
            current.set(grantingAwaited(current.get(), report));
            report.steps().forEach((step, r) -> {
                if (r.phase() == StepPhase.FAILED || r.phase() == StepPhase.BLOCKED) {
                    throw new AssertionError("step " + step + " " + r.phase() + ": " + r.reason().orElse("") + " " + r.message());
                }
            });
            return report.steps().values().stream().allMatch(r -> r.phase().settled());
        });
        return last.get();
    }

    /** The plan with a grant for the step that asks for one, as the leader would give it. */
    public static ResolvedPlan grantingAwaited(ResolvedPlan plan, AgentReport report) {
        ResolvedPlan result = plan;
        for (var entry : report.steps().entrySet()) {
            if (entry.getValue().phase() == StepPhase.AWAITING_RESTART) {
                result = result.withRestartGrant(Optional.of(new RestartGrant(entry.getKey(), entry.getValue().desiredHash(), Instant.now())));
            }
        }
        return result;
    }

    public static StepReport step(AgentReport report, StepName step) {
        return report.steps().get(step);
    }

    @Override
    public void close() {
        dockerd.ifPresent(engine -> {
            if (!engine.answersPing()) {
                engine.startAgain();
            }
            for (String name : new String[] {"calico-node", "calico-libnetwork"}) {
                host.docker().inspect(name).ifPresent(c -> host.docker().remove(c.id()));
            }
            engine.useDefaultConfig();
            if (host.docker().info().clusterStore().isPresent()) {
                engine.restart(); // leave the shared engine as the next test expects it
            }
        });
        systemctl.close();
        TempDirs.deleteRecursively(root);
    }
}
