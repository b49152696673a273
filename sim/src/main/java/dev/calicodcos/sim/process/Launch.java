package dev.calicodcos.sim.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One process to start in a container.
 *
 * @param executable what is executed (searched on the environment's {@code PATH} when it has no slash)
 * @param argv       the full argument vector, {@code argv[0]} included (it may differ from the executable)
 * @param environment exactly the environment the process gets; nothing is inherited
 * @param stdout     file the output goes to (appended)
 * @param stderr     file the errors go to (appended; may equal {@code stdout})
 * @param marker     {@code NAME=value} that is in the environment of every process of this container and
 *                   no other; used to find escaped processes when PID namespaces are not available
 */
public record Launch(String executable, List<String> argv, Map<String, String> environment, Path directory,
                     Path stdout, Path stderr, Optional<String> marker) {
    public Launch {
        Objects.requireNonNull(executable, "executable");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must hold at least argv[0]");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(marker, "marker");
    }
}
