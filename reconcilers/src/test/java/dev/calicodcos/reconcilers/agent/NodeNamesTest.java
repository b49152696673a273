package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The node name is the kernel's host name, read from the host, never from DNS and never /etc/hostname. */
class NodeNamesTest {
    private Path root;
    private Path emptyPath;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("host-root");
        emptyPath = Files.createTempDirectory("empty-path");
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(root);
        TempDirs.deleteRecursively(emptyPath);
    }

    /** A task environment whose PATH has no hostname: only the host root's directories can give one. */
    private Map<String, String> env() {
        return Map.of("PATH", emptyPath.toString());
    }

    private void kernelHostname(String name) throws IOException {
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/hostname"), name + "\n");
    }

    private void hostnameCommand(String body) throws IOException {
        Path hostname = root.resolve("bin/hostname");
        Files.createDirectories(hostname.getParent());
        Files.writeString(hostname, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(hostname, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theKernelsHostNameIsTheNodeNameEvenWithoutEtcHostname() throws IOException {
        kernelHostname("ip-10-0-0-5");

        assertThat(Files.exists(root.resolve("etc/hostname"))).isFalse();
        assertThat(NodeAgentFactory.defaultNodeName(root, env())).isEqualTo("ip-10-0-0-5");
    }

    @Test
    void etcHostnameIsNotTheSource() throws IOException {
        kernelHostname("kernel-name");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "stale-file-name\n");

        assertThat(NodeAgentFactory.defaultNodeName(root, env())).isEqualTo("kernel-name");
    }

    @Test
    void aNameThatDoesNotResolveIsUsedAsItIs() throws IOException {
        kernelHostname("agent-without-dns.invalid");

        assertThat(NodeAgentFactory.defaultNodeName(root, env())).isEqualTo("agent-without-dns.invalid");
    }

    @Test
    @Tag("integration")
    void withoutTheKernelFileTheHostsHostnameCommandGivesIt() throws IOException {
        hostnameCommand("echo from-hostname-command");

        assertThat(NodeAgentFactory.defaultNodeName(root, env())).isEqualTo("from-hostname-command");
    }

    @Test
    @Tag("integration")
    void noNameAtAllAsksForNodeName() throws IOException {
        hostnameCommand("exit 1");

        assertThatThrownBy(() -> NodeAgentFactory.defaultNodeName(root, env()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--node-name").hasMessageContaining("proc/sys/kernel/hostname");
    }
}
