package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.plan.ControlState;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;

/** {@code pause} and {@code resume}: written to the control key, never into the user's spec. */
final class ControlCommands {
    private ControlCommands() {}

    @Command(name = "pause", description = "Stop new steps and restart grants; a restart under way finishes.")
    static final class Pause extends EtcdCommand {
        @Override
        public Integer call() throws IOException {
            return update(this, c -> new ControlState(true, c.resumedAt()), "paused");
        }
    }

    @Command(name = "resume", description = "Undo pause, and let a rollout halted by failures go on (the failures so far are accepted).")
    static final class Resume extends EtcdCommand {
        @Override
        public Integer call() throws IOException {
            return update(this, c -> new ControlState(false, Instant.now()), "resumed");
        }
    }

    /** Compare-and-swap, retried while other writers interleave. */
    static int update(EtcdCommand command, UnaryOperator<ControlState> change, String verb) throws IOException {
        try (KvStore kv = command.connect()) {
            String key = command.etcd.keys().control();
            for (int attempt = 0; attempt < 10; attempt++) {
                Optional<Versioned> current = kv.get(key);
                ControlState before = current.isEmpty() ? ControlState.none()
                        : command.app.codec.json().readValue(current.get().value(), ControlState.class);
                byte[] after = command.app.codec.json().writeValueAsBytes(change.apply(before));
                if (kv.putIfUnchanged(key, after, current.map(Versioned::modRevision).orElse(0L)).isPresent()) {
                    command.out().println("calicocluster/" + command.etcd.cluster + " " + verb);
                    command.out().flush();
                    return ExitCode.OK;
                }
            }
            command.err().println("error: " + key + " keeps changing; try again");
            command.err().flush();
            return ExitCode.FAILED;
        }
    }
}
