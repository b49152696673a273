package dev.calicodcos.reconcilers.host;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the real adapters of a {@link Host} for one host root and one process environment. */
public final class Hosts {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private Hosts() {}

    /**
     * @param environment the node agent's environment: PATH finds {@code systemctl} (a fake may come
     *                    first), DOCKER_HOST chooses the engine (default the host root's docker.sock)
     */
    public static Host real(Path hostRoot, Map<String, String> environment) {
        Map<String, String> commandEnv = new HashMap<>();
        commandEnv.put("PATH", environment.getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        commandEnv.put("TZ", "UTC");
        commandEnv.put("LC_ALL", "C");
        HostCommands commands = new LocalCommands(commandEnv);
        String systemctl = onPath("systemctl", commandEnv.get("PATH")).map(Path::toString).orElse("systemctl");
        return new Host(
                new RootedFiles(hostRoot),
                new SystemctlServices(systemctl, commands, COMMAND_TIMEOUT),
                DockerJavaEngine.connect(dockerHost(hostRoot, environment), Duration.ofMinutes(2)),
                new LocalProcesses(Duration.ofSeconds(10)),
                commands,
                new UrlDownloader(Duration.ofMinutes(5)));
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
