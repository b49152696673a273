package dev.calicodcos.sim.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.calicodcos.sim.TestProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways of holding a container's processes kill escaped daemons; the init passes the command's status on. */
@Tag("integration")
class ContainmentTest {
    @TempDir
    Path dir;

    private ContainedProcess start(Containment containment, String script, String marker) throws Exception {
        return containment.start(new Launch("/bin/sh", List.of("sh", "-c", script), Map.of("PATH", "/usr/bin:/bin", "MARK", marker),
                dir, dir.resolve("out"), dir.resolve("out"), Optional.of("MARK=" + marker)));
    }

    @Test
    void withoutPidNamespacesAnEscapedDaemonIsFoundByItsMarkerAndKilled() throws Exception {
        String token = TestProcesses.daemonToken();
        ContainedProcess p = start(Containment.withoutNamespaces(dir.resolve("init")),
                "( setsid sleep " + token + " </dev/null >/dev/null 2>&1 & ); sleep 600", "fallback-" + token);
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestProcesses.sleeping(token).isEmpty());

        p.kill();

        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.sleeping(token).isEmpty());
        assertThat(p.waitFor()).isEqualTo(137);
    }

    @Test
    void aSigtermSentAsSoonAsTheCommandIsForkedEndsIt() throws Exception {
        // Mesos reports TASK_RUNNING once it forked the command, and a SIGTERM from then on reaches it, even one
        // that comes before the command has its default signal handling back from the init.
        for (Containment containment : List.of(Containment.probe(dir.resolve("init")), Containment.withoutNamespaces(dir.resolve("tree")))) {
            for (int i = 0; i < 5; i++) {
                ContainedProcess p = start(containment, "sleep 600", "early-" + i);
                p.awaitCommand(Duration.ofSeconds(10));

                p.terminate();

                assertThat(p.onExit().get(10, TimeUnit.SECONDS).exitValue()).as("ended by SIGTERM (%s)", containment).isEqualTo(143);
            }
        }
    }

    @Test
    void initReportsTheCommandsExitStatusAndExecFailuresAsMesosDoes() throws Exception {
        Containment containment = Containment.probe(dir.resolve("init"));

        ContainedProcess exits = start(containment, "exit 7", "a");
        ContainedProcess terminated = start(containment, "kill -TERM $$; sleep 5", "b");
        ContainedProcess missing = containment.start(new Launch("/no/such/program", List.of("x"), Map.of(), dir,
                dir.resolve("missing"), dir.resolve("missing"), Optional.empty()));

        assertThat(exits.waitFor()).isEqualTo(7);
        assertThat(terminated.waitFor()).isEqualTo(143);
        assertThat(missing.waitFor()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("missing"))).contains("Failed to execute '/no/such/program': No such file or directory");
    }
}
