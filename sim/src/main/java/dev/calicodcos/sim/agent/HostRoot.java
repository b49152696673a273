package dev.calicodcos.sim.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.java8.Java8Install;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A folder laid out like the root of a CentOS 7 DC/OS agent, handed to tasks as {@code CALICO_DCOS_HOST_ROOT}:
 * {@code bin}, {@code sbin}, {@code lib}, {@code lib64} link into {@code usr}, {@code var/run} into {@code run},
 * the agent's own {@code ip}, {@code detect_ip}, {@code systemctl} and Java 8, the kernel host name in
 * {@code proc/sys/kernel/hostname}. {@code /etc/docker/daemon.json} is deliberately absent, as on a fresh agent.
 */
public record HostRoot(Path root) {
    public static final String SYSTEMCTL_LOG = "var/log/fake-systemctl.log";
    public static final String SYSTEMCTL = "usr/bin/systemctl";
    public static final String KERNEL_HOSTNAME = "proc/sys/kernel/hostname";
    public static final String EXECUTOR_ENVIRONMENT = "opt/mesosphere/etc/mesos-executor-environment.json";
    public static final String UNIT_DIR = "etc/systemd/system";
    public static final String JOURNAL_DIR = "var/log/journal";
    public static final String SYSTEMD_LOG = "var/log/fake-systemd.log";
    public static final String DOCKER_LOG = "var/log/fake-docker.log";

    /**
     * The directories of a root's {@code PATH} on CentOS 7, in order; a node agent runs host commands with
     * these (under the host root) in front of the task's {@code PATH}.
     */
    public static final java.util.List<String> HOST_PATH = java.util.List.of("usr/local/sbin", "usr/local/bin", "usr/sbin",
            "usr/bin", "sbin", "bin");

    public static HostRoot create(Path root, AgentSpec spec) {
        try {
            for (String dir : new String[] {"etc/docker", "opt/mesosphere/active/cni", "opt/mesosphere/etc/dcos/network/cni",
                    "opt/mesosphere/bin", "etc/mesosphere/roles", "var/lib/dcos", "var/log", "run", "usr/bin", "usr/sbin",
                    "usr/lib", "usr/lib64", "usr/local/bin", "usr/local/sbin", "proc/sys/kernel", UNIT_DIR, JOURNAL_DIR}) {
                Files.createDirectories(root.resolve(dir));
            }
            for (String[] link : new String[][] {{"bin", "usr/bin"}, {"sbin", "usr/sbin"}, {"lib", "usr/lib"},
                    {"lib64", "usr/lib64"}, {"var/run", "../run"}}) {
                Files.createSymbolicLink(root.resolve(link[0]), Path.of(link[1]));
            }
            HostTools.write(root, spec.hostname());
            executable(root.resolve("opt/mesosphere/bin/mesos-agent"),
                    "#!/bin/sh\n[ \"$1\" = \"--version\" ] && echo 'mesos " + spec.mesosVersion() + "' && exit 0\n"
                            + "echo 'simulated agent binary' >&2\nexit 1\n");
            executable(root.resolve("opt/mesosphere/bin/mesos-master"),
                    "#!/bin/sh\n[ \"$1\" = \"--version\" ] && echo 'mesos " + spec.mesosVersion() + "' && exit 0\nexit 1\n");
            Files.writeString(root.resolve("opt/mesosphere/etc/dcos-version.json"),
                    "{\"version\": \"" + spec.dcosVersion() + "\", \"dcos-image-commit\": \"simulated\", \"bootstrap-id\": \"simulated\"}\n");
            Files.writeString(root.resolve(EXECUTOR_ENVIRONMENT), new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(ExecutorEnvironment.dcos(spec.dcosVersion())) + "\n");
            Java8Install.write(root, spec.dcosVersion());
            // The kernel's host name (what uname and Docker's --net=host containers see); /etc/hostname only when asked.
            Files.writeString(root.resolve(KERNEL_HOSTNAME), spec.kernelHostname() + "\n");
            if (spec.etcHostname()) {
                Files.writeString(root.resolve("etc/hostname"), spec.kernelHostname() + "\n");
            }
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
            Files.writeString(root.resolve(SYSTEMD_LOG), "");
            Files.writeString(root.resolve(DOCKER_LOG), "");
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

    /** The agent's fake systemctl, {@code <root>/usr/bin/systemctl}. */
    public Path systemctl() {
        return root.resolve(SYSTEMCTL);
    }

    /** {@code <root>/opt/mesosphere/active/java/usr/java/bin/java}, the Java 8 stand-in. */
    public Path java() {
        return root.resolve(Java8Install.JAVA_HOME).resolve("bin/java");
    }

    public Path detectIp() {
        return root.resolve(HostTools.DETECT_IP);
    }

    public Path unitDir() {
        return root.resolve(UNIT_DIR);
    }

    public Path systemdLog() {
        return root.resolve(SYSTEMD_LOG);
    }

    public Path dockerLog() {
        return root.resolve(DOCKER_LOG);
    }

    /** {@code <root>/usr/local/sbin:...:<root>/bin}: the host's directories, for running host commands. */
    public String hostPath() {
        return String.join(":", HOST_PATH.stream().map(d -> root.resolve(d).toString()).toList());
    }

    /** What the agent's executor environment file says (DC/OS's {@code mesos-executor-environment.json}). */
    public Map<String, String> executorEnvironment() {
        try {
            return new ObjectMapper().readValue(root.resolve(EXECUTOR_ENVIRONMENT).toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void executable(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
