package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code uninstall --wait} on a cluster that ran every step: every host root is as it was before
 * the install, file by file (a user's daemon.json byte for byte), and the node agents are ended.
 */
@Tag("integration")
class UninstallE2eTest {
    /**
     * What is not the product's to put back: the simulator's own logs, the journal (journald keeps a
     * removed unit's log too), and calico-dcos's own state and audit trail (markers, backups, the
     * disruption log), which an operator may want afterwards.
     */
    private static boolean compared(String path) {
        return !path.startsWith("var/log/fake-") && !path.startsWith("var/log/journal/")
                && !path.startsWith("var/lib/calico-dcos/") && !path.startsWith("var/log/calico-dcos/");
    }

    /** Every regular file under the host root: path → SHA-256 of its bytes. */
    private static Map<String, String> files(SimAgent agent) {
        Path root = agent.hostRoot().root();
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(file -> {
                String path = root.relativize(file).toString();
                if (compared(path)) {
                    out.put(path, sha256(file));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void uninstallWaitLeavesEveryHostRootAsItWasAndEndsTheNodeAgents() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(3))) {
            List<SimAgent> agents = demo.sim().agents();
            SimAgent withUserFile = agents.get(0);
            String users = "{\n    \"log-level\": \"warn\",\n    \"registry-mirrors\": [\"https://mirror.example\"]\n}\n";
            Files.createDirectories(withUserFile.hostRoot().daemonJson().getParent());
            Files.writeString(withUserFile.hostRoot().daemonJson(), users);
            Map<SimAgent, Map<String, String>> before = new java.util.HashMap<>();
            agents.forEach(a -> before.put(a, files(a)));

            demo.apply(demo.exampleSpec());
            E2e.awaitReady(demo, Duration.ofMinutes(3));
            assertThat(Files.readString(withUserFile.hostRoot().daemonJson())).contains("cluster-store", "registry-mirrors");

            String out = Cli.run(demo, "uninstall", "--wait", "--timeout", "4m");

            assertThat(out).contains("uninstalling");
            assertThat(demo.status().orElseThrow().condition(Condition.READY))
                    .hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Uninstalled"));
            for (SimAgent agent : agents) {
                assertThat(files(agent)).as(agent.spec().hostname() + ": every file as before the install").isEqualTo(before.get(agent));
            }
            assertThat(Files.readString(withUserFile.hostRoot().daemonJson())).as("byte for byte").isEqualTo(users);
            await().atMost(Duration.ofMinutes(1)).until(() -> agents.stream().allMatch(a -> a.liveTasks().isEmpty()));
            assertThat(agents).allSatisfy(a -> assertThat(E2e.containers(a)).doesNotContainKeys("calico-node", "calico-libnetwork"));
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).isEqualTo(1);
        }
    }
}
