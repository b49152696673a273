package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.sim.systemd.UnitEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The simulated systemd runs the units a node agent installs as systemd would: through the agent's own
 * fake systemctl (called as a task calls it), outside every task, with Restart=, the start limit,
 * enablement links, the daemon-reload rule and systemd's messages and exit codes.
 */
@Tag("integration")
class HostServicesTest {
    private static final String HOST = "10.0.1.21";
    private static final AtomicInteger UNITS = new AtomicInteger();
    private static SimulatedCluster cluster;
    private static SimAgent agent;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent(HOST)).heartbeatInterval(Duration.ofSeconds(1))
                .allocationInterval(Duration.ofMillis(100)).statusUpdateRetry(Duration.ofMillis(300))
                .agentRestartDelay(Duration.ofMillis(300)).start();
        agent = cluster.agent(HOST);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Exit code and output with the final newline dropped. */
    record Run(int exitCode, String stdout, String stderr) {}

    /** The agent's fake systemctl, run with a task's PATH. */
    static Run systemctl(SimAgent on, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(on.hostRoot().systemctl().toString()));
        argv.addAll(List.of(args));
        TestProcesses.Run run = TestProcesses.run(Map.of("PATH", "/usr/bin:/bin"), on.hostRoot().root(), argv);
        return new Run(run.exitCode(), run.stdout().strip(), run.stderr().strip());
    }

    static Run systemctl(String... args) throws Exception {
        return systemctl(agent, args);
    }

    /** A fresh unit name, its file written as the node agent writes it (every argument double-quoted). */
    static String unit(SimAgent on, String body) throws Exception {
        String name = "test-" + UNITS.incrementAndGet() + ".service";
        write(on, name, body);
        return name;
    }

    static void write(SimAgent on, String name, String body) throws Exception {
        Path tmp = on.hostRoot().unitDir().resolve("." + name + ".tmp");
        Files.writeString(tmp, body);
        Files.move(tmp, on.hostRoot().unitDir().resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static String sleeper(String token, String extra) {
        return """
                [Unit]
                Description=sleeper %1$s
                After=network-online.target
                Wants=network-online.target

                [Service]
                Type=simple
                ExecStart="/bin/sh" "-c" "echo up; exec sleep %1$s"
                %2$s

                [Install]
                WantedBy=multi-user.target
                """.formatted(token, extra);
    }

    static String journal(String unit) throws Exception {
        Path file = agent.hostServices().journal(unit);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void installedUnitIsEnabledStartedAndShownAsSystemdDoes() throws Exception {
        String token = TestProcesses.daemonToken();
        String unit = unit(agent, sleeper(token, "Restart=always\nRestartSec=1"));

        assertThat(systemctl("daemon-reload").exitCode()).isZero();
        Run enable = systemctl("enable", unit);
        Run enabled = systemctl("is-enabled", unit);
        Run start = systemctl("start", unit);
        Run active = systemctl("is-active", unit);
        Run show = systemctl("show", "-p", "ActiveState,SubState,LoadState,UnitFileState", unit);
        Run pid = systemctl("show", "-p", "MainPID", "--value", unit);
        Run since = systemctl("show", "-p", "ActiveEnterTimestamp", unit);

        assertThat(enable.exitCode()).isZero();
        assertThat(enable.stderr()).isEqualTo("Created symlink /etc/systemd/system/multi-user.target.wants/" + unit
                + " → /etc/systemd/system/" + unit + ".");
        assertThat(agent.hostRoot().unitDir().resolve("multi-user.target.wants").resolve(unit)).isSymbolicLink();
        assertThat(enabled).isEqualTo(new Run(0, "enabled", ""));
        assertThat(start).isEqualTo(new Run(0, "", ""));
        assertThat(active).isEqualTo(new Run(0, "active", ""));
        assertThat(show.stdout()).isEqualTo("ActiveState=active\nSubState=running\nLoadState=loaded\nUnitFileState=enabled");
        assertThat(since.stdout()).matches("ActiveEnterTimestamp=\\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
        long mainPid = Long.parseLong(pid.stdout());
        assertThat(TestProcesses.sleeping(token)).extracting(ProcessHandle::pid).containsExactly(mainPid);
        assertThat(agent.hostServices().mainPid(unit)).isEqualTo(mainPid);
        assertThat(agent.hostServices().startCount(unit)).isEqualTo(1);
        assertThat(agent.hostServices().events(unit)).extracting(UnitEvent::event, UnitEvent::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("started", "pid=" + mainPid));
        await().atMost(Duration.ofSeconds(5)).until(() -> journal(unit).contains("up\n"));
        assertThat(systemctl("stop", unit).exitCode()).isZero();
    }

    @Test
    void serviceStartedFromATaskOutlivesTheTaskAndAgentRestarts() throws Exception {
        String token = TestProcesses.daemonToken();
        String unit = unit(agent, sleeper(token, ""));
        TestScheduler scheduler = new TestScheduler(cluster.masterUrl());
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
        Protos.Offer offer = await().atMost(Duration.ofSeconds(10))
                .until(() -> scheduler.offers(o -> o.getHostname().equals(HOST)), l -> !l.isEmpty()).get(0);
        var launched = scheduler.call(Tasks.launch(offer, Tasks.task("starter", offer, Tasks.shell(
                "PATH=\"$CALICO_DCOS_HOST_ROOT/usr/sbin:$CALICO_DCOS_HOST_ROOT/usr/bin:$PATH\"\n"
                        + "systemctl daemon-reload && systemctl start " + unit + " && systemctl restart dcos-mesos-slave"))));
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(202);
        acknowledgeUntil(scheduler, "starter", TaskState.TASK_FINISHED);
        scheduler.close();
        assertThat(agent.hostServices().startCount(unit)).isEqualTo(1);

        assertThat(systemctl("is-active", unit).stdout()).isEqualTo("active");
        List<ProcessHandle> running = TestProcesses.sleeping(token);
        assertThat(running).hasSize(1);
        cluster.faults().restartAgent(HOST);
        assertThat(TestProcesses.sleeping(token)).isEqualTo(running);
        assertThat(agent.hostServices().startCount(unit)).isEqualTo(1);
        systemctl("stop", unit);
    }

    @Test
    void restartAlwaysBringsTheServiceBackAfterRestartSecAndTheLogCountsEveryStart() throws Exception {
        String token = TestProcesses.daemonToken();
        String unit = unit(agent, sleeper(token, "Restart=always\nRestartSec=500ms"));
        systemctl("start", unit);
        long first = agent.hostServices().mainPid(unit);

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(10)).until(() -> agent.hostServices().startCount(unit) == 2);
        assertThat(agent.hostServices().events(unit)).extracting(e -> e.event() + (e.event().equals("started") ? "" : " " + e.detail()).stripTrailing())
                .containsExactly("started", "exited status=137", "restarting", "started");
        List<java.time.Instant> starts = agent.hostServices().startTimes(unit);
        assertThat(Duration.between(starts.get(0), starts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(agent.hostServices().mainPid(unit)).isNotEqualTo(first);
        assertThat(Files.readAllLines(agent.hostRoot().systemdLog())).anySatisfy(line ->
                assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z " + java.util.regex.Pattern.quote(unit) + " restarting"));
        systemctl("stop", unit);
        assertThat(TestProcesses.sleeping(token)).isEmpty();
    }

    @Test
    void restartOnFailureLeavesACleanExitAloneAndTheStartLimitEndsACrashLoop() throws Exception {
        String clean = unit(agent, "[Service]\nExecStart=\"/bin/true\"\nRestart=on-failure\nRestartSec=50ms\n");
        String crashing = unit(agent, "[Service]\nExecStart=\"/bin/false\"\nRestart=on-failure\nRestartSec=50ms\n");

        systemctl("start", clean);
        systemctl("start", crashing);

        await().atMost(Duration.ofSeconds(10)).until(() -> systemctl("is-failed", crashing).exitCode() == 0);
        assertThat(systemctl("is-active", clean)).isEqualTo(new Run(3, "inactive", ""));
        assertThat(agent.hostServices().startCount(clean)).isEqualTo(1);
        assertThat(agent.hostServices().startCount(crashing)).isEqualTo(5);
        assertThat(systemctl("show", "-p", "Result", "--value", crashing).stdout()).isEqualTo("start-limit-hit");
        Run again = systemctl("start", crashing);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).startsWith("Job for " + crashing + " failed because the start of the service was attempted too often.");
        assertThat(systemctl("reset-failed", crashing).exitCode()).isZero();
        assertThat(systemctl("start", crashing).exitCode()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.hostServices().startCount(crashing) > 5);
    }

    @Test
    void changedUnitFileKeepsTheLoadedDefinitionUntilDaemonReloadAndSystemctlWarns() throws Exception {
        String unit = unit(agent, "[Service]\nExecStart=\"/bin/sh\" \"-c\" \"echo v1; exec sleep 600\"\n");
        assertThat(systemctl("start", unit).exitCode()).isZero();      // first reference loads it: no daemon-reload needed
        write(agent, unit, "[Service]\nExecStart=\"/bin/sh\" \"-c\" \"echo v2; exec sleep 600\"\n");

        Run stale = systemctl("restart", unit);
        String needReload = systemctl("show", "-p", "NeedDaemonReload", "--value", unit).stdout();
        await().atMost(Duration.ofSeconds(5)).until(() -> journal(unit).equals("v1\nv1\n"));
        systemctl("daemon-reload");
        Run fresh = systemctl("restart", unit);

        assertThat(stale.exitCode()).isZero();
        assertThat(stale.stderr()).isEqualTo("Warning: The unit file, source configuration file or drop-ins of " + unit
                + " changed on disk. Run 'systemctl daemon-reload' to reload units.");
        assertThat(needReload).isEqualTo("yes");
        assertThat(fresh).isEqualTo(new Run(0, "", ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> journal(unit).equals("v1\nv1\nv2\n"));
        systemctl("stop", unit);
    }

    @Test
    void commandLinesFollowSystemdQuotingEscapesSpecifierAndVariableRules() throws Exception {
        String unit = unit(agent, """
                [Service]
                Environment="GREETING=hello world" EMPTY=
                ExecStart="/usr/bin/printf" "[%%s]" "${GREETING}" $GREETING "a\\tb" "100%%" "$$HOME" 'single word' "q\\"uote" \\
                  "back\\\\slash" $EMPTY "x\\x41"
                """);

        systemctl("start", unit);

        await().atMost(Duration.ofSeconds(5)).until(() -> !journal(unit).isEmpty());
        assertThat(journal(unit)).isEqualTo("[hello world][hello][world][a\tb][100%][$HOME][single word][q\"uote][back\\slash][xA]");
    }

    @Test
    void settingsThatAreNotSimulatedMakeTheUnitBadSettingInsteadOfBeingGuessed() throws Exception {
        Map<String, String> bad = Map.of(
                "[Service]\nExecStart=\"/bin/echo\" \"%n\"\n", "Specifier '%n' is not simulated",
                "[Service]\nType=forking\nExecStart=\"/bin/true\"\n", "Type=forking is not simulated",
                "[Service]\nExecStart=\"sleep\" \"5\"\n", "Executable path is not absolute",
                "[Service]\nExecStart=\"/bin/echo\" \"--x=$FOO\"\n", "inside a word",
                "[Service]\nExecStart=\"/bin/echo\" \"a\"b\n", "A closing quote must be followed by whitespace",
                "[Service]\nExecStart=\"/bin/true\"\nExecStart=\"/bin/true\"\n", "more than one ExecStart=",
                "[Service]\nExecStart=\"/bin/true\"\nKillMode=process\n", "KillMode=process is not simulated");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            String unit = unit(agent, e.getKey());

            Run start = systemctl("start", unit);

            assertThat(systemctl("show", "-p", "LoadState", "--value", unit).stdout()).as(e.getKey()).isEqualTo("bad-setting");
            assertThat(start.exitCode()).isEqualTo(1);
            assertThat(start.stderr()).startsWith("Failed to start " + unit + ": Unit " + unit + " has a bad unit file setting.");
            assertThat(agent.hostServices().events(unit)).anySatisfy(ev -> {
                assertThat(ev.event()).isEqualTo(UnitEvent.BAD_SETTING);
                assertThat(ev.detail()).contains(e.getValue());
            });
            assertThat(agent.hostServices().startCount(unit)).isZero();
        }
    }

    @Test
    void unknownKeysAreIgnoredWithAWarningAsSystemdDoes() throws Exception {
        String unit = unit(agent, "[Service]\nFrobnicate=yes\nExecStart=\"/bin/true\"\n[Bogus]\nX=1\n");

        assertThat(systemctl("start", unit).exitCode()).isZero();

        assertThat(agent.hostServices().events(unit)).filteredOn(e -> e.event().equals(UnitEvent.WARNING))
                .extracting(UnitEvent::detail).containsExactly(
                        "/etc/systemd/system/" + unit + ":2: Unknown key name 'Frobnicate' in section 'Service' (or not simulated), ignoring.",
                        "/etc/systemd/system/" + unit + ":4: Unknown section 'Bogus'. Ignoring.");
        assertThat(agent.hostServices().startCount(unit)).isEqualTo(1);
    }

    @Test
    void missingUnitsAnswerWithSystemdsMessagesAndExitCodes() throws Exception {
        assertThat(systemctl("start", "nope")).isEqualTo(new Run(5, "", "Failed to start nope.service: Unit nope.service not found."));
        assertThat(systemctl("restart", "nope.service").exitCode()).isEqualTo(5);
        assertThat(systemctl("is-active", "nope")).isEqualTo(new Run(3, "inactive", ""));
        assertThat(systemctl("is-active", "--quiet", "nope")).isEqualTo(new Run(3, "", ""));
        assertThat(systemctl("is-enabled", "nope"))
                .isEqualTo(new Run(1, "", "Failed to get unit file state for nope.service: No such file or directory"));
        assertThat(systemctl("enable", "nope")).isEqualTo(new Run(1, "", "Failed to enable unit: Unit file nope.service does not exist."));
        assertThat(systemctl("cat", "nope")).isEqualTo(new Run(1, "", "No files found for nope.service."));
        assertThat(systemctl("show", "-p", "LoadState", "nope").stdout()).isEqualTo("LoadState=not-found");
        assertThat(systemctl("frobnicate", "nope")).isEqualTo(new Run(1, "", "Unknown command verb frobnicate."));
        assertThat(systemctl("--bogus", "start", "x")).isEqualTo(new Run(1, "", "systemctl: unrecognized option '--bogus'"));
    }

    @Test
    void stopSendsSigtermToTheWholeGroupAndSigkillAfterTimeoutStopSec() throws Exception {
        String child = TestProcesses.daemonToken();
        String main = TestProcesses.daemonToken();
        String polite = unit(agent, "[Service]\nExecStart=\"/bin/sh\" \"-c\" \"setsid sleep " + child + " & exec sleep " + main + "\"\n");
        String stubborn = unit(agent, "[Service]\nTimeoutStopSec=1\nExecStart=\"/bin/sh\" \"-c\" \"trap '' TERM; exec sleep "
                + TestProcesses.daemonToken() + "\"\n");
        systemctl("start", polite);
        systemctl("start", stubborn);
        await().atMost(Duration.ofSeconds(5)).until(() -> !TestProcesses.sleeping(child).isEmpty());

        Run stopPolite = systemctl("stop", polite);
        long before = System.nanoTime();
        Run stopStubborn = systemctl("stop", stubborn);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(stopPolite.exitCode()).isZero();
        assertThat(systemctl("is-active", polite).stdout()).isEqualTo("inactive");
        assertThat(TestProcesses.sleeping(child)).isEmpty();
        assertThat(TestProcesses.sleeping(main)).isEmpty();
        assertThat(stopStubborn.exitCode()).isZero();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(systemctl("is-failed", stubborn)).isEqualTo(new Run(0, "failed", ""));
        assertThat(systemctl("show", "-p", "Result", "--value", stubborn).stdout()).isEqualTo("timeout");
        assertThat(agent.hostServices().mainPid(stubborn)).isZero();
    }

    @Test
    void execStartPreRunsFirstAndOnlyAnUnprefixedFailureFailsTheStart() throws Exception {
        String ok = unit(agent, "[Service]\nExecStartPre=-\"/bin/sh\" \"-c\" \"echo pre1; exit 4\"\n"
                + "ExecStartPre=\"/bin/sh\" \"-c\" \"echo pre2\"\nExecStart=\"/bin/sh\" \"-c\" \"echo main\"\n");
        String failing = unit(agent, "[Service]\nExecStartPre=\"/bin/false\"\nExecStart=\"/bin/sh\" \"-c\" \"echo never\"\n");

        Run started = systemctl("start", ok);
        Run refused = systemctl("start", failing);

        assertThat(started.exitCode()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> journal(ok).equals("pre1\npre2\nmain\n"));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).startsWith("Job for " + failing + " failed because the control process exited with error code.");
        assertThat(systemctl("is-failed", failing).exitCode()).isZero();
        assertThat(journal(failing)).doesNotContain("never");
        assertThat(agent.hostServices().startCount(failing)).isZero();
    }

    @Test
    void missingExecutableStartsAndThenFailsWithStatus203AsForTypeSimple() throws Exception {
        String unit = unit(agent, "[Service]\nExecStart=\"/opt/nowhere/bin/proxy\"\n");

        Run start = systemctl("start", unit);

        assertThat(start.exitCode()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> systemctl("is-failed", unit).exitCode() == 0);
        assertThat(agent.hostServices().events(unit)).extracting(UnitEvent::event, UnitEvent::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("exited", "status=203"));
    }

    @Test
    void disableRemovesTheLinksAndAUnitWithoutInstallSectionIsStatic() throws Exception {
        String unit = unit(agent, sleeper(TestProcesses.daemonToken(), ""));
        String noInstall = unit(agent, "[Service]\nExecStart=\"/bin/true\"\n");
        systemctl("enable", unit);

        Run disable = systemctl("disable", unit);
        Run staticEnable = systemctl("enable", noInstall);

        assertThat(disable).isEqualTo(new Run(0, "", "Removed /etc/systemd/system/multi-user.target.wants/" + unit + "."));
        assertThat(systemctl("is-enabled", unit)).isEqualTo(new Run(1, "disabled", ""));
        assertThat(staticEnable.exitCode()).isZero();
        assertThat(staticEnable.stderr()).startsWith("The unit files have no installation config");
        assertThat(systemctl("is-enabled", noInstall)).isEqualTo(new Run(0, "static", ""));
        assertThat(systemctl("cat", noInstall).stdout()).isEqualTo("# /etc/systemd/system/" + noInstall + "\n[Service]\nExecStart=\"/bin/true\"");
    }

    @Test
    void removingTheAgentStopsItsServices() throws Exception {
        SimAgent other = cluster.faults().addAgent(AgentSpec.privateAgent("10.0.1.40"));
        String token = TestProcesses.daemonToken();
        String unit = unit(other, sleeper(token, "Restart=always"));
        assertThat(systemctl(other, "start", unit).exitCode()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> !TestProcesses.sleeping(token).isEmpty());

        cluster.faults().removeAgent("10.0.1.40");

        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.sleeping(token).isEmpty());
        assertThat(other.hostServices().events(unit)).extracting(UnitEvent::event).contains("stopping", "stopped");
    }

    /** Acknowledges every update as it arrives, resent duplicates too (an acknowledgement can be lost while the agent restarts). */
    private static void acknowledgeUntil(TestScheduler scheduler, String taskId, TaskState state) {
        AtomicInteger seen = new AtomicInteger();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<Protos.TaskStatus> updates = new ArrayList<>(scheduler.updates(taskId));
            for (Protos.TaskStatus s : updates.subList(seen.get(), updates.size())) {
                if (s.hasUuid()) {
                    scheduler.acknowledge(s);
                }
            }
            seen.set(updates.size());
            return updates.stream().anyMatch(s -> s.getState() == state);
        });
    }
}
