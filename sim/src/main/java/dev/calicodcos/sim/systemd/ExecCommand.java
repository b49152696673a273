package dev.calicodcos.sim.systemd;

import java.util.List;

/**
 * One {@code ExecStart=}/{@code ExecStartPre=} command after loading: specifiers resolved, words split
 * and unquoted; variables are expanded when it runs ({@link CommandLines#expand}).
 *
 * @param ignoreFailure the {@code -} prefix: a failure is logged and ignored
 * @param words         the words, still holding {@code $NAME}, {@code ${NAME}} and {@code $$}
 */
record ExecCommand(boolean ignoreFailure, List<String> words) {
    ExecCommand {
        words = List.copyOf(words);
    }

    String executable() {
        return words.get(0);
    }
}
