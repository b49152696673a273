package dev.calicodcos.reconcilers.host;

import static dev.calicodcos.reconcilers.TestHost.converge;
import static dev.calicodcos.reconcilers.TestHost.plan;
import static dev.calicodcos.reconcilers.TestHost.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.TestHost;
import dev.calicodcos.reconcilers.TestSpecs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's disk full during a host file write: the CNI config lives on a small tmpfs (mounted
 * for the test) that fills up before the step rewrites it. The original stays as it was, no
 * temporary file is left anywhere, the step says why, and it goes on once there is room.
 */
@Tag("integration")
class DiskFullTest {
    private static final String CONFIG = "/opt/mesosphere/etc/dcos/network/cni/calico.cni";

    @TempDir
    Path downloads;

    private TestHost agent;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void setUp() throws Exception {
        agent = TestHost.withDocker(); // the disabled container steps look for containers to remove
        agent.script("/opt/mesosphere/bin/mesos-master", "echo 'mesos 1.4.0'");
        mount = agent.path("/opt/mesosphere/etc");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=64k", "calico-dcos-test", mount.toString()) == 0;
        assumeTrue(mounted, "needs root and mount(8) for a small tmpfs");
        Files.createDirectories(agent.path("/opt/mesosphere/etc/dcos/network/cni"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (mounted) {
            run("umount", mount.toString());
        }
        agent.close();
    }

    @Test
    void aFullDiskLeavesTheOriginalAndNoTemporaryFileAndTheStepSaysWhy() throws Exception {
        converge(agent.runner(), plan(onlyCni("mtu: 1440")));
        byte[] original = Files.readAllBytes(agent.path(CONFIG));
        Path filler = mount.resolve("filler");
        fill(filler);

        AgentReport full = agent.runner().runOnce(plan(onlyCni("mtu: 1400")), Optional.empty());

        StepReport cni = step(full, StepName.CNI);
        assertThat(cni.phase()).isEqualTo(StepPhase.FAILED);
        assertThat(cni.reason()).hasValue("HostFileUnwritable");
        assertThat(cni.message()).contains(CONFIG, "No space left on device");
        assertThat(Files.readAllBytes(agent.path(CONFIG))).as("the original, byte for byte").isEqualTo(original);
        assertThat(temporaryFiles()).as("no temporary file left anywhere on the host").isEmpty();

        Files.delete(filler);
        AgentReport freed = converge(agent.runner(), plan(onlyCni("mtu: 1400")));

        assertThat(step(freed, StepName.CNI).phase()).isEqualTo(StepPhase.DONE);
        assertThat(Files.readString(agent.path(CONFIG))).contains("\"mtu\" : 1400");
    }

    private String onlyCni(String extra) throws IOException {
        return TestSpecs.onlyCni(TestSpecs.servedPlugin(downloads.resolve("calico"), "calico v1"),
                TestSpecs.servedPlugin(downloads.resolve("calico-ipam"), "calico-ipam v1"), extra);
    }

    /** Writes until the file system refuses a byte more. */
    private static void fill(Path filler) {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
        }
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(agent.root())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor();
    }
}
