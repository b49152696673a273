package dev.calicodcos.reconcilers.log;

import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs the failures of something retried in a loop: a failure's stack trace the first time, one line
 * each time the same failure comes again, and the trace again once it changes or after a success. Two
 * failures are the same when their exception classes and messages, and those of their root causes,
 * are. Thread-safe; one instance per thing that fails (a loop, a step).
 */
public final class FailureLog {
    private final Logger log;
    private Optional<String> last = Optional.empty();
    private int repeats;

    public FailureLog(Logger log) {
        this.log = log;
    }

    /** @param what what failed, with its key=value context, e.g. {@code "reconcile failed, retrying in=400ms"} */
    public synchronized void failed(Level level, String what, Throwable failure) {
        String signature = signature(failure);
        if (last.equals(Optional.of(signature))) {
            repeats++;
            log.atLevel(level).log("{} error={} (the same failure {} times in a row; its stack trace was logged the first time)",
                    what, describe(failure), repeats + 1);
            return;
        }
        last = Optional.of(signature);
        repeats = 0;
        log.atLevel(level).setCause(failure).log("{} error={}", what, describe(failure));
    }

    /** The next failure, even one like the last, is logged in full. */
    public synchronized void succeeded() {
        last = Optional.empty();
        repeats = 0;
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static String signature(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return failure.getClass().getName() + ": " + failure.getMessage() + " / "
                + root.getClass().getName() + ": " + Objects.toString(root.getMessage(), "");
    }
}
