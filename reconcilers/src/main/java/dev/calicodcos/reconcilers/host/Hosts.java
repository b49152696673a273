package dev.calicodcos.reconcilers.host;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds the real adapters of a {@link Host} for one host root and one process environment. */
public final class Hosts {
    /** Where a host's programs are: a DC/OS task's own PATH is only /usr/bin:/bin. */
    public static final List<String> HOST_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
    /** The simulator's stand-in for this agent's 127.0.0.1 (absent on a real agent). */
    public static final String LOOPBACK_ENV = "CALICO_DCOS_HOST_LOOPBACK";

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private Hosts() {}

    /**
     * @param environment the node agent's environment: PATH (after the host's own directories),
     *                    DOCKER_HOST chooses the engine (default the host root's docker.sock),
     *                    {@value #LOOPBACK_ENV} the loopback address (default 127.0.0.1)
     */
    public static Host real(Path hostRoot, Map<String, String> environment) {
        HostCommands commands = commands(hostRoot, environment);
        String path = commandPath(hostRoot, environment.get("PATH"));
        // Always an absolute path under the root: ProcessBuilder looks a bare name up on the JVM's own
        // PATH, which on a test machine could find the machine's real systemctl.
        String systemctl = onPath("systemctl", path).orElse(hostRoot.toAbsolutePath().normalize().resolve("usr/bin/systemctl"))
                .toString();
        return new Host(
                new RootedFiles(hostRoot),
                new SystemctlServices(systemctl, commands, COMMAND_TIMEOUT),
                DockerJavaEngine.connect(dockerHost(hostRoot, environment), Duration.ofMinutes(2)),
                commands,
                new UrlDownloader(Duration.ofMinutes(5)),
                new TcpHostNetwork(loopback(environment), Duration.ofSeconds(1)));
    }

    /** Host programs (detect_ip, systemctl, version probes, hostname) run with the host's PATH, TZ=UTC, LC_ALL=C. */
    public static HostCommands commands(Path hostRoot, Map<String, String> environment) {
        return new LocalCommands(Map.of("PATH", commandPath(hostRoot, environment.get("PATH")), "TZ", "UTC", "LC_ALL", "C"));
    }

    /**
     * Pure: {@link #HOST_PATH} resolved under the host root (itself in production, where the root is
     * {@code /}), then the task's own PATH, each directory once.
     */
    public static String commandPath(Path hostRoot, String taskPath) {
        Path root = hostRoot.toAbsolutePath().normalize();
        Set<String> dirs = new LinkedHashSet<>();
        HOST_PATH.forEach(dir -> dirs.add(root.resolve(dir.substring(1)).toString()));
        if (taskPath != null) {
            Arrays.stream(taskPath.split(File.pathSeparator)).filter(dir -> !dir.isEmpty()).forEach(dirs::add);
        }
        return String.join(File.pathSeparator, dirs);
    }

    public static String loopback(Map<String, String> environment) {
        String value = environment.get(LOOPBACK_ENV);
        return value == null || value.isBlank() ? HostNetwork.LOOPBACK : value.strip();
    }

    /** DOCKER_HOST when set, else the docker socket under the host root. */
    public static String dockerHost(Path hostRoot, Map<String, String> environment) {
        String fromEnv = environment.get("DOCKER_HOST");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return "unix://" + hostRoot.toAbsolutePath().normalize().resolve("var/run/docker.sock");
    }

    public static Optional<Path> onPath(String name, String path) {
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
