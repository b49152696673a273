package dev.calicodcos.controller.mesos;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A v1 {@code CommandInfo}. With {@code shell = false}, {@code value} is the executable and
 * {@code arguments} the full argv (argv[0] included); no shell quoting is involved.
 */
public record CommandSpec(String value, boolean shell, List<String> arguments, List<FetchUri> uris,
                          Map<String, String> environment, Optional<String> user) {
    public CommandSpec {
        Objects.requireNonNull(value, "value");
        arguments = List.copyOf(arguments);
        if (shell && !arguments.isEmpty()) {
            throw new IllegalArgumentException("arguments are ignored by Mesos when shell is true");
        }
        uris = List.copyOf(uris);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** Runs {@code executable} directly with {@code argv}. */
    public static CommandSpec exec(String executable, List<String> argv) {
        return new CommandSpec(executable, false, argv, List.of(), Map.of(), Optional.empty());
    }

    public CommandSpec withUris(List<FetchUri> value) {
        return new CommandSpec(this.value, shell, arguments, value, environment, user);
    }

    public CommandSpec withEnvironment(Map<String, String> value) {
        return new CommandSpec(this.value, shell, arguments, uris, value, user);
    }

    public CommandSpec withUser(String value) {
        return new CommandSpec(this.value, shell, arguments, uris, environment, Optional.of(value));
    }
}
