package dev.calicodcos.sim.agent;

import dev.calicodcos.sim.AgentSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder laid out like the root of a DC/OS agent, handed to tasks as {@code CALICO_DCOS_HOST_ROOT}.
 * {@code /etc/docker/daemon.json} is deliberately absent, as on a fresh agent.
 */
public record HostRoot(Path root) {
    public static final String SYSTEMCTL_LOG = "var/log/fake-systemctl.log";

    public static HostRoot create(Path root, AgentSpec spec) {
        try {
            for (String dir : new String[] {"etc/docker", "opt/mesosphere/active/cni", "opt/mesosphere/etc/dcos/network/cni",
                    "opt/mesosphere/bin", "etc/mesosphere/roles", "var/lib/dcos", "var/log", "var/run"}) {
                Files.createDirectories(root.resolve(dir));
            }
            executable(root.resolve("opt/mesosphere/bin/detect_ip"), "#!/bin/sh\necho " + spec.hostname() + "\n");
            executable(root.resolve("opt/mesosphere/bin/mesos-agent"),
                    "#!/bin/sh\n[ \"$1\" = \"--version\" ] && echo 'mesos " + spec.mesosVersion() + "' && exit 0\n"
                            + "echo 'simulated agent binary' >&2\nexit 1\n");
            executable(root.resolve("opt/mesosphere/bin/mesos-master"),
                    "#!/bin/sh\n[ \"$1\" = \"--version\" ] && echo 'mesos " + spec.mesosVersion() + "' && exit 0\nexit 1\n");
            Files.writeString(root.resolve("opt/mesosphere/etc/dcos-version.json"),
                    "{\"version\": \"" + spec.dcosVersion() + "\", \"dcos-image-commit\": \"simulated\", \"bootstrap-id\": \"simulated\"}\n");
            // Each agent has its own host name: the node agent derives the Calico node name from it.
            Files.writeString(root.resolve("etc/hostname"), spec.hostname() + "\n");
            Files.writeString(root.resolve("etc/os-release"), """
                    NAME="CentOS Linux"
                    VERSION="7 (Core)"
                    ID="centos"
                    ID_LIKE="rhel fedora"
                    VERSION_ID="7"
                    PRETTY_NAME="CentOS Linux 7 (Core)"
                    """);
            Files.writeString(root.resolve("etc/mesosphere/roles").resolve(spec.publicAgent() ? "slave_public" : "slave"), "");
            Files.writeString(root.resolve(SYSTEMCTL_LOG), "");
            return new HostRoot(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out host root " + root, e);
        }
    }

    public Path daemonJson() {
        return root.resolve("etc/docker/daemon.json");
    }

    public Path systemctlLog() {
        return root.resolve(SYSTEMCTL_LOG);
    }

    static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
