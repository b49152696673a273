package dev.calicodcos.reconcilers.cni;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Mesos agent unit as systemd shows it and its {@code slave/registered} gauge, in memory. A
 * (re)start reads the CNI config as Mesos &lt; 1.2 does: with a config it refuses ({@link #refusing}),
 * the process exits at once and systemd keeps restarting it ({@code activating}, nothing answers);
 * with a config it cannot register with ({@link #notRegisteringWith}), the unit is active but the gauge
 * stays 0. Every systemctl verb is recorded, e.g. {@code restart dcos-mesos-slave}.
 */
final class FakeMesosAgent implements Services, MesosAgentProbe {
    static final String CONFIG = "/opt/mesosphere/etc/dcos/network/cni/calico.cni";

    private final HostFiles files;
    private final Clock clock;
    private final List<String> calls = new ArrayList<>();
    private Optional<Instant> activeSince;
    private boolean registered = true;
    private boolean answers = true;
    private Predicate<String> refuses = config -> false;
    private Predicate<String> unregistered = config -> false;
    private boolean restartFailsKeepingTheProcess;

    FakeMesosAgent(HostFiles files, Clock clock, Instant activeSince) {
        this.files = files;
        this.clock = clock;
        this.activeSince = Optional.of(activeSince);
    }

    FakeMesosAgent refusing(Predicate<String> config) {
        this.refuses = config;
        return this;
    }

    FakeMesosAgent notRegisteringWith(Predicate<String> config) {
        this.unregistered = config;
        return this;
    }

    /** {@code systemctl restart} fails and the process from before keeps running (seen with broken unit drop-ins). */
    FakeMesosAgent restartFailingKeepingTheProcess() {
        this.restartFailsKeepingTheProcess = true;
        return this;
    }

    /** The master is lost (or found again) while the agent runs. */
    FakeMesosAgent registered(boolean registered) {
        this.registered = registered;
        return this;
    }

    /** Whether its HTTP API can be reached from the node agent at all (credentials, another address). */
    FakeMesosAgent answering(boolean answers) {
        this.answers = answers;
        return this;
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    /** {@code restart} and {@code start} calls: each one a time the agent process was (re)started. */
    long starts() {
        return calls.stream().filter(c -> c.startsWith("restart ") || c.startsWith("start ")).count();
    }

    @Override
    public void restart(String unit) {
        calls.add("restart " + unit);
        if (restartFailsKeepingTheProcess) {
            throw new StepFailure(StepReason.SERVICE_COMMAND_FAILED, "systemctl restart " + unit + " failed (exit 1)");
        }
        come();
    }

    @Override
    public void start(String unit) {
        calls.add("start " + unit);
        if (activeSince.isEmpty()) {
            come();
        }
    }

    private void come() {
        String config = files.read(CONFIG).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        if (refuses.test(config)) {
            activeSince = Optional.empty(); // "Failed to create a containerizer": exits, Restart=always tries again
            registered = false;
            return;
        }
        activeSince = Optional.of(clock.instant());
        registered = !unregistered.test(config);
    }

    @Override
    public Optional<String> notRegistered(AgentFacts facts) {
        if (!answers || activeSince.isEmpty()) {
            return Optional.of("the Mesos agent at 10.0.0.5:5051 does not answer (Connection refused)");
        }
        return registered ? Optional.empty()
                : Optional.of("the Mesos agent at 10.0.0.5:5051 reports slave/registered 0: not registered with a master");
    }

    @Override
    public void reload(String unit) {
        throw notUsed("reload");
    }

    @Override
    public void stop(String unit) {
        throw notUsed("stop");
    }

    @Override
    public void enable(String unit) {
        throw notUsed("enable");
    }

    @Override
    public void disableNow(String unit) {
        throw notUsed("disable --now");
    }

    @Override
    public void daemonReload() {
        throw notUsed("daemon-reload");
    }

    private static UnsupportedOperationException notUsed(String verb) {
        return new UnsupportedOperationException("the cni step should not run systemctl " + verb);
    }

    @Override
    public boolean isActive(String unit) {
        return activeSince.isPresent();
    }

    @Override
    public boolean isEnabled(String unit) {
        return true;
    }

    @Override
    public Optional<Instant> activeSince(String unit) {
        return activeSince;
    }
}
